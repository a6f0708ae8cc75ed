import { z } from 'zod'
import { RunSummary } from './runRecords'

/** One config setting that differs between the compared runs; `values` follows the order of `runs`. */
export const ConfigDifference = z.object({
  path: z.string(),
  /** JSON text of each run's value; null where the run's config has no such setting. */
  values: z.array(z.string().nullable()),
})
export type ConfigDifference = z.infer<typeof ConfigDifference>

/** The numbers a researcher lines up side by side; null where a run has not finished. */
export const RunComparisonRow = z.object({
  runId: RunSummary.shape.id,
  testAccuracy: z.number().nullable(),
  bestTestAccuracy: z.number().nullable(),
  validationAccuracy: z.number().nullable(),
  density: z.number().nullable(),
  channelSparsity: z.number().nullable(),
  theoreticalFlopsRatio: z.number().nullable(),
  gpuSupportedFlopsRatio: z.number().nullable(),
  /** Training FLOPs / dense training (RigL convention); null before the run finishes. */
  trainingFlopsRatio: z.number().nullable(),
  parametersSlimmed: z.number().nullable(),
  durationSeconds: z.number().nullable(),
  imagesPerSecond: z.number().nullable(),
  /** Last value of each final metric key (e.g. `train/loss`, `test/accuracy`). */
  lastMetrics: z.record(z.string(), z.number()),
})
export type RunComparisonRow = z.infer<typeof RunComparisonRow>

export const Comparison = z.object({
  runs: z.array(RunSummary),
  differences: z.array(ConfigDifference),
  rows: z.array(RunComparisonRow),
})
export type Comparison = z.infer<typeof Comparison>
