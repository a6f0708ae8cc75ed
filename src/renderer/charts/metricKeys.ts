/**
 * Which chart a metric key belongs on. The trainer names its series like `train/loss`, `val/accuracy`,
 * `test/accuracy`, `lr`, `density/global`; matching by pattern keeps the dashboard working with any
 * reasonable naming, and everything unmatched is still offered in the "other metrics" chart.
 */
export type MetricChart = 'loss' | 'accuracy' | 'lr' | 'density' | 'channels' | 'other'
export type MetricSplit = 'train' | 'validation' | 'test' | null

export function metricChart(key: string): MetricChart {
  const k = key.toLowerCase()
  if (/(^|[/._-])(lr|learning[-_ ]?rate)$/.test(k)) return 'lr'
  if (/loss/.test(k)) return 'loss'
  if (/acc/.test(k)) return 'accuracy'
  if (/channel/.test(k)) return 'channels'
  if (/densit|nnz/.test(k)) return 'density'
  return 'other'
}

export function metricSplit(key: string): MetricSplit {
  const k = key.toLowerCase()
  if (/(^|[/._-])(val|valid|validation)([/._-]|$)/.test(k)) return 'validation'
  if (/(^|[/._-])test([/._-]|$)/.test(k)) return 'test'
  if (/(^|[/._-])train([/._-]|$)/.test(k)) return 'train'
  return null
}

/** Keys for one chart, train first, then validation, then test, then the rest by name. */
export function keysFor(keys: Iterable<string>, chart: MetricChart): string[] {
  const rank = { train: 0, validation: 1, test: 2 } as const
  return [...keys]
    .filter((key) => metricChart(key) === chart)
    .sort((a, b) => {
      const sa = metricSplit(a)
      const sb = metricSplit(b)
      const ra = sa === null ? 3 : rank[sa]
      const rb = sb === null ? 3 : rank[sb]
      return ra - rb || a.localeCompare(b)
    })
}

/** Series the trainer reports under fixed names, which the dashboard plots on dedicated charts. */
export const engineKeys = {
  /** nnz / N against the original N, after each update or channel event. */
  density: 'sparsity/density',
  /** dr(s) (or d) that update aimed at. */
  densityTarget: 'sparsity/densityTarget',
  /** nnz / |alive region|, the density the official code prints. */
  aliveRegionDensity: 'sparsity/aliveRegionDensity',
  /** 1 − F/B, measured. */
  channelSparsity: 'channels/sparsity',
  /** Sc(s) at that step. */
  channelSparsityTarget: 'channels/sparsityTarget',
} as const
