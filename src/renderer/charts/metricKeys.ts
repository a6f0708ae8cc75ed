import {
  isMetricKey,
  metricKeys,
  metricPlacement,
  type MetricChart,
  type MetricSplit,
} from '../../shared/metrics/metricKeys'

/**
 * Which chart a metric key belongs on: the catalogue's placement for the keys our trainer emits
 * (`shared/metrics/metricKeys.ts`); a pattern for any other key (an imported run, a renamed series),
 * and everything unmatched is still offered in the "other metrics" chart.
 */
export type { MetricChart, MetricSplit }

export function metricChart(key: string): MetricChart {
  if (isMetricKey(key)) return metricPlacement[key].chart
  const k = key.toLowerCase()
  if (/(^|[/._-])(lr|learning[-_ ]?rate)$/.test(k)) return 'lr'
  if (/loss/.test(k)) return 'loss'
  if (/acc/.test(k)) return 'accuracy'
  if (/channel/.test(k)) return 'channels'
  if (/densit|nnz/.test(k)) return 'density'
  return 'other'
}

export function metricSplit(key: string): MetricSplit {
  if (isMetricKey(key)) return metricPlacement[key].split
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

/** Series the dashboard plots on dedicated charts. */
export const engineKeys = {
  density: metricKeys.density,
  densityTarget: metricKeys.densityTarget,
  aliveRegionDensity: metricKeys.aliveRegionDensity,
  channelSparsity: metricKeys.channelSparsity,
  channelSparsityTarget: metricKeys.channelSparsityTarget,
} as const
