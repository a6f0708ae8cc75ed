import type { ChartOption } from './echarts'
import { formatNumber } from '../util/format'

/** Settings every workbench chart shares: no entry animation on live data, a compact grid, a readable tooltip. */
export function baseChart(extra: ChartOption = {}): ChartOption {
  return {
    animation: false,
    grid: { left: 56, right: 20, top: 48, bottom: 36, containLabel: false },
    tooltip: { trigger: 'axis', confine: true, valueFormatter: (v) => formatNumber(Number(v), 4) },
    legend: { top: 0, type: 'scroll' },
    ...extra,
  }
}

/** A step axis (x) with thousands separators. */
export function stepAxis(name = 'step', max?: number): ChartOption['xAxis'] {
  return {
    type: 'value',
    name,
    nameLocation: 'middle',
    nameGap: 24,
    min: 0,
    max,
    axisLabel: { formatter: (v: number) => formatNumber(v) },
    splitLine: { show: false },
  }
}

/** A line for a long series: lttb downsampling at draw time, progressive rendering, no symbols. */
export function longLine(
  name: string,
  data: ArrayLike<readonly [number, number]> | [number, number][] | Float64Array,
  extra: object = {},
) {
  return {
    type: 'line' as const,
    name,
    data: data as [number, number][],
    showSymbol: false,
    sampling: 'lttb' as const,
    progressive: 4000,
    progressiveThreshold: 10_000,
    lineStyle: { width: 1.5 },
    emphasis: { disabled: true },
    ...extra,
  }
}

/** Zips parallel step/value arrays into ECharts [x, y] points. */
/**
 * The same points as one flat typed array (x0, y0, x1, y1…), which ECharts reads as a typed-array source:
 * its option clone copies one buffer instead of thousands of little pairs.
 */
export function flatPoints(steps: ArrayLike<number>, values: ArrayLike<number>): Float64Array {
  const n = Math.min(steps.length, values.length)
  const points = new Float64Array(n * 2)
  for (let i = 0; i < n; i++) {
    points[2 * i] = steps[i]!
    points[2 * i + 1] = values[i]!
  }
  return points
}

export function zipPoints(steps: ArrayLike<number>, values: ArrayLike<number>): [number, number][] {
  const n = Math.min(steps.length, values.length)
  const points = new Array<[number, number]>(n)
  for (let i = 0; i < n; i++) points[i] = [steps[i]!, values[i]!]
  return points
}
