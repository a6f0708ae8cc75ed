import type { Comparison, MetricSeries } from '../../shared/api'
import { meanStdSeries, type SeedGroup } from '../util/seedGroups'
import type { ChartOption } from './echarts'
import { baseChart, longLine, stepAxis, zipPoints } from './chartParts'
import { accuracyParetoChart } from './paretoChart'

/** One metric of every compared run on shared axes, or one mean line with a ±std band per seed group. */
export function overlaidCurvesChart(
  comparison: Comparison,
  byRun: ReadonlyMap<string, MetricSeries>,
  key: string,
  groups: readonly SeedGroup[] | null,
): ChartOption {
  if (!groups) {
    return baseChart({
      xAxis: stepAxis(),
      yAxis: { type: 'value', name: key, scale: true },
      dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }],
      series: comparison.runs.map((run) => {
        const s = byRun.get(run.id)
        return longLine(run.name, s ? zipPoints(s.steps, s.values) : [])
      }),
    })
  }
  const series: ChartOption['series'] = []
  groups.forEach((group, g) => {
    const members = group.members
      .map((i) => byRun.get(comparison.runs[i]!.id))
      .filter((s): s is MetricSeries => !!s)
    const stats = meanStdSeries(members)
    const name = `${group.label} (n=${members.length})`
    const stack = `band-${g}`
    // The band is two stacked areas: an invisible lower edge, then the 2·std width on top of it.
    ;(series as object[]).push(
      {
        type: 'line',
        name,
        stack,
        data: stats.steps.map((s, i) => [s, stats.mean[i]! - stats.std[i]!]),
        lineStyle: { opacity: 0 },
        showSymbol: false,
        tooltip: { show: false },
        silent: true,
      },
      {
        type: 'line',
        name,
        stack,
        data: stats.steps.map((s, i) => [s, 2 * stats.std[i]!]),
        lineStyle: { opacity: 0 },
        areaStyle: { opacity: 0.2 },
        showSymbol: false,
        tooltip: { show: false },
        silent: true,
      },
      longLine(
        name,
        stats.steps.map((s, i) => [s, stats.mean[i]!] as [number, number]),
        { z: 3 },
      ),
    )
  })
  return baseChart({
    xAxis: stepAxis(),
    yAxis: { type: 'value', name: `${key} (mean ± std)`, scale: true },
    series,
  })
}

/** Test accuracy against the GPU-supported FLOPs ratio, with the Pareto front (cheaper and better). */
export function paretoChart(comparison: Comparison): ChartOption {
  const points = comparison.rows
    .map((row, i) => ({ x: row.gpuSupportedFlopsRatio, y: row.testAccuracy, name: comparison.runs[i]!.name }))
    .filter((p): p is { x: number; y: number; name: string } => p.x !== null && p.y !== null)
  return accuracyParetoChart(points, {
    name: 'runs',
    symbolSize: 11,
    colorBy: 'data',
    label: {
      show: true,
      position: 'top',
      formatter: (p: { data: unknown }) => String((p.data as unknown[])[2]),
    },
    labelLayout: { hideOverlap: true },
  })
}
