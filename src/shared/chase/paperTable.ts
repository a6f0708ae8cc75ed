import { paperMethods, paperMethodTitles, type PaperMethod } from '../config/paperMethods'
import { meanStd, type MeanStd } from '../stats/meanStd'

/** One finished run as the paper's table reads it. */
export interface PaperTableRun {
  /** Runs with the same group differ only in the seed; the row averages them. */
  readonly group: string
  /** The table row the run's preset trains, null for a run from elsewhere (labelled by its group). */
  readonly method: PaperMethod | null
  /** Test accuracy of the selected checkpoint (0–1). */
  readonly accuracy: number | null
  /** Training FLOPs / dense training (RigL convention). */
  readonly trainingFlopsRatio: number | null
  /** Theoretical test FLOPs (nonzero weights) / dense. */
  readonly testFlopsRatio: number | null
  /** GPU-supported test FLOPs (slimmed, counted dense) / dense. */
  readonly gpuSupportedFlopsRatio: number | null
}

export interface PaperTableRow {
  readonly label: string
  readonly method: PaperMethod | null
  readonly seeds: number
  readonly accuracy: MeanStd | null
  /** Mean accuracy minus the dense row's mean, when the table has a dense row. */
  readonly accuracyGapToDense: number | null
  readonly trainingFlops: MeanStd | null
  readonly testFlops: MeanStd | null
  readonly gpuSupportedFlops: MeanStd | null
}

/**
 * The paper's table for a set of runs: one row per group (a method at one setting, over its seeds) with
 * accuracy as mean ± std and the FLOPs as ratios to dense, in the paper's row order.
 */
export function paperTable(runs: readonly PaperTableRun[]): PaperTableRow[] {
  const groups = new Map<string, PaperTableRun[]>()
  for (const run of runs) groups.set(run.group, [...(groups.get(run.group) ?? []), run])
  const methodOf = (members: readonly PaperTableRun[]) =>
    members.every((m) => m.method === members[0]!.method) ? members[0]!.method : null
  const groupsPerMethod = new Map<PaperMethod, number>()
  for (const members of groups.values()) {
    const method = methodOf(members)
    if (method) groupsPerMethod.set(method, (groupsPerMethod.get(method) ?? 0) + 1)
  }
  const rows = [...groups.entries()].map(([group, members]) => {
    const method = methodOf(members)
    // A method trained at two settings (two bases, a changed field) gets two rows: the group tells them apart.
    const title = method ? paperMethodTitles[method] : null
    return {
      label: title === null ? group : groupsPerMethod.get(method!)! > 1 ? `${title} (${group})` : title,
      method,
      seeds: members.length,
      accuracy: meanStd(members.map((m) => m.accuracy)),
      trainingFlops: meanStd(members.map((m) => m.trainingFlopsRatio)),
      testFlops: meanStd(members.map((m) => m.testFlopsRatio)),
      gpuSupportedFlops: meanStd(members.map((m) => m.gpuSupportedFlopsRatio)),
    }
  })
  const order = (row: { method: PaperMethod | null }) =>
    row.method === null ? paperMethods.length : paperMethods.indexOf(row.method)
  rows.sort((a, b) => order(a) - order(b))
  // Two dense groups (different bases) make the gap ambiguous: then it is left out.
  const dense = rows.filter((r) => r.method === 'dense')
  const denseMean = dense.length === 1 ? (dense[0]!.accuracy?.mean ?? null) : null
  return rows.map((row) => ({
    ...row,
    accuracyGapToDense:
      denseMean !== null && row.accuracy && row.method !== 'dense' ? row.accuracy.mean - denseMean : null,
  }))
}

const percent = (s: MeanStd | null) =>
  s ? `${(s.mean * 100).toFixed(2)}${s.count > 1 ? ` ± ${(s.std * 100).toFixed(2)}` : ''}` : '—'
const ratio = (s: MeanStd | null) => (s ? `${s.mean.toFixed(2)}×` : '—')

/** The table as Markdown, for the measurement files and the CLI. */
export function paperTableMarkdown(rows: readonly PaperTableRow[]): string {
  const lines = [
    '| method | seeds | test accuracy % (mean ± std) | Δ vs dense | training FLOPs | test FLOPs | GPU-supported test FLOPs |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.seeds} | ${percent(r.accuracy)} | ${
          r.accuracyGapToDense === null ? '—' : (r.accuracyGapToDense * 100).toFixed(2)
        } | ${ratio(r.trainingFlops)} | ${ratio(r.testFlops)} | ${ratio(r.gpuSupportedFlops)} |`,
    ),
  ]
  return `${lines.join('\n')}\n`
}
