import type { Comparison, ConfigDifference, RunComparisonRow } from '../../shared/api/comparison'
import { RunSummary, type RunDetail } from '../../shared/api/runRecords'
import { resultNumbers } from '../../shared/api/resultNumbers'
import { canonicalJson } from './configHash'

/** Dotted path → canonical JSON text of every leaf setting (arrays are one value: `optim.lrMilestones`). */
export function flattenSettings(
  value: unknown,
  prefix = '',
  into = new Map<string, string>(),
): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (child !== undefined) flattenSettings(child, prefix ? `${prefix}.${key}` : key, into)
    }
  } else {
    into.set(prefix, canonicalJson(value))
  }
  return into
}

/** Only the settings whose values are not all equal; the run name is left out (it always differs). */
export function configDifferences(configs: readonly unknown[]): ConfigDifference[] {
  const flat = configs.map((c) => flattenSettings(c))
  const paths = [...new Set(flat.flatMap((f) => [...f.keys()]))].filter((p) => p !== 'name').sort()
  return paths
    .map((path) => ({ path, values: flat.map((f) => f.get(path) ?? null) }))
    .filter((d) => d.values.some((v) => v !== d.values[0]))
}

export function comparisonRow(run: RunDetail, lastMetrics: Record<string, number>): RunComparisonRow {
  const r = run.result
  return {
    runId: run.id,
    ...resultNumbers(r),
    trainingFlopsRatio: r?.trainingFlopsRatio ?? null,
    parametersSlimmed: r?.parameters.slimmed ?? null,
    imagesPerSecond: r?.imagesPerSecond ?? run.progress?.imagesPerSecond ?? null,
    lastMetrics,
  }
}

export function compareRuns(
  runs: readonly RunDetail[],
  lastMetrics: readonly Record<string, number>[],
): Comparison {
  return {
    // Parsing as a summary drops the detail-only fields (config, versions, checkpoints…).
    runs: runs.map((run) => RunSummary.parse(run)),
    differences: configDifferences(runs.map((r) => r.config)),
    rows: runs.map((run, i) => comparisonRow(run, lastMetrics[i] ?? {})),
  }
}
