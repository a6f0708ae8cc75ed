import type { BenchSummary } from '../../shared/api/benchRecords'
import type { BenchResult } from '../../shared/protocol/trainerMessages'

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0
  const position = (sorted.length - 1) * q
  const low = Math.floor(position)
  const high = Math.ceil(position)
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low)
}

/** Median and 10th/90th percentile latency per network and batch size, and the dense/slimmed speedups. */
export function summarizeBench(result: BenchResult): BenchSummary {
  const stats = result.samples.map((sample) => {
    const sorted = [...sample.latencyMs].sort((a, b) => a - b)
    const medianMs = quantile(sorted, 0.5)
    return {
      runtime: sample.runtime,
      variant: sample.variant,
      batchSize: sample.batchSize,
      medianMs,
      p10Ms: quantile(sorted, 0.1),
      p90Ms: quantile(sorted, 0.9),
      imagesPerSecond: medianMs > 0 ? (sample.batchSize * 1000) / medianMs : 0,
    }
  })
  const batchSizes = [...new Set(stats.map((s) => s.batchSize))].sort((a, b) => a - b)
  const runtimes = [...new Set(stats.map((s) => s.runtime))]
  const speedups = runtimes.flatMap((runtime) =>
    batchSizes.flatMap((batchSize) => {
      const find = (variant: string) =>
        stats.find((s) => s.runtime === runtime && s.batchSize === batchSize && s.variant === variant)
      const dense = find('dense')
      const slimmed = find('slimmed')
      return dense && slimmed && slimmed.medianMs > 0
        ? [{ runtime, batchSize, speedup: dense.medianMs / slimmed.medianMs }]
        : []
    }),
  )
  return { stats, speedups }
}
