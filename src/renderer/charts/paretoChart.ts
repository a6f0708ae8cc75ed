import { formatPercent, formatRatio } from '../util/format'
import { paretoFront } from '../util/seedGroups'
import { baseChart } from './chartParts'
import type { ChartOption } from './echarts'

export interface ParetoPoint {
  readonly x: number
  readonly y: number
  readonly name: string
}

/**
 * Test accuracy against the GPU-supported FLOPs ratio with the Pareto front (cheaper and better), shared
 * by the compare view (runs) and the sweep page (cells); `scatter` styles the points' series.
 */
export function accuracyParetoChart(
  points: readonly ParetoPoint[],
  scatter: { readonly name: string } & Record<string, unknown>,
): ChartOption {
  const front = paretoFront(points).map((i) => points[i]!)
  return baseChart({
    legend: { show: false },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p) => {
        const item = p as unknown as { data: [number, number, string] }
        return `${item.data[2]}<br>GPU-supported FLOPs ${formatRatio(item.data[0])}<br>test accuracy ${formatPercent(item.data[1])}`
      },
    },
    grid: { left: 64, right: 48, top: 36, bottom: 44 },
    xAxis: {
      type: 'value',
      name: 'GPU-supported FLOPs ratio',
      nameLocation: 'middle',
      nameGap: 26,
      scale: true,
    },
    yAxis: {
      type: 'value',
      name: 'test accuracy',
      nameLocation: 'middle',
      nameGap: 50,
      scale: true,
      axisLabel: { formatter: (v: number) => formatPercent(v, 1) },
    },
    series: [
      {
        type: 'line',
        name: 'Pareto front',
        data: front.map((p) => [p.x, p.y]),
        showSymbol: false,
        step: 'end',
        lineStyle: { type: 'dashed' },
        tooltip: { show: false },
      },
      { type: 'scatter', ...scatter, data: points.map((p) => [p.x, p.y, p.name]) },
    ],
  })
}
