import type { MetricSeries, SweepCellRecord, SweepDetail } from '../../shared/api'
import { meanStdSeries } from '../util/seedGroups'
import type { SweepRow } from '../util/sweepRows'
import { baseChart, longLine, stepAxis } from './chartParts'
import { accuracyParetoChart } from './paretoChart'
import type { ChartOption } from './echarts'

/** One row's metric over its seeds: every seed's curve thin, their mean with a ±std band. */
export function seedBandChart(
  row: SweepRow,
  byRun: ReadonlyMap<string, MetricSeries>,
  key: string,
): ChartOption {
  const members = row.cells
    .map((c) => (c.runId ? byRun.get(c.runId) : undefined))
    .filter((s): s is MetricSeries => !!s && s.steps.length > 0)
  const stats = meanStdSeries(members)
  const series: object[] = members.map((s, i) => ({
    ...longLine(
      `seed ${String(row.cells[i]?.values['system.seed'] ?? i)}`,
      s.steps.map((step, k) => [step, s.values[k]!] as [number, number]),
    ),
    lineStyle: { width: 1, opacity: 0.45 },
    // A metric logged once per epoch has a few points only: show them.
    showSymbol: s.steps.length <= 20,
  }))
  // The band is two stacked areas: an invisible lower edge, then the 2·std width on top of it.
  series.push(
    {
      type: 'line',
      name: '± std',
      stack: 'band',
      data: stats.steps.map((s, i) => [s, stats.mean[i]! - stats.std[i]!]),
      lineStyle: { opacity: 0 },
      showSymbol: false,
      silent: true,
      tooltip: { show: false },
    },
    {
      type: 'line',
      name: '± std',
      stack: 'band',
      data: stats.steps.map((s, i) => [s, 2 * stats.std[i]!]),
      lineStyle: { opacity: 0 },
      areaStyle: { opacity: 0.25 },
      showSymbol: false,
      silent: true,
      tooltip: { show: false },
    },
    longLine(
      `mean of ${members.length}`,
      stats.steps.map((s, i) => [s, stats.mean[i]!] as [number, number]),
      { z: 3, showSymbol: stats.steps.length <= 20 },
    ),
  )
  return baseChart({
    xAxis: stepAxis(),
    yAxis: { type: 'value', name: `${key} (mean ± std)`, scale: true },
    series: series as ChartOption['series'],
  })
}

/** Every finished cell's test accuracy against its GPU-supported FLOPs ratio, with the Pareto front. */
export function sweepParetoChart(
  cells: readonly SweepCellRecord[],
  label: (cell: SweepCellRecord) => string,
): ChartOption {
  const points = cells
    .filter((c) => c.result)
    .map((c) => ({ x: c.result!.flops.gpuSupportedRatio, y: c.result!.final.testAccuracy, name: label(c) }))
  return accuracyParetoChart(points, { name: 'cells', symbolSize: 10 })
}

/** Parallel coordinates: one axis per sweep axis, then the final test accuracy and FLOPs ratio. */
export function sweepParallelChart(detail: SweepDetail): ChartOption {
  const axes = detail.axes.map((a) => a.path)
  const categorical = new Set(
    detail.axes.filter((a) => a.values.some((v) => typeof v !== 'number')).map((a) => a.path),
  )
  const dims = [
    ...axes.map((path, dim) => ({
      dim,
      name: path,
      ...(categorical.has(path)
        ? { type: 'category' as const, data: detail.axes[dim]!.values.map(String) }
        : { type: 'value' as const, scale: true }),
    })),
    { dim: axes.length, name: 'test accuracy', type: 'value' as const, scale: true },
    { dim: axes.length + 1, name: 'GPU FLOPs ratio', type: 'value' as const, scale: true },
  ]
  const data = detail.cellRecords
    .filter((c) => c.result)
    .map((c) => [
      ...axes.map((path) => (categorical.has(path) ? String(c.values[path]) : Number(c.values[path]))),
      c.result!.final.testAccuracy,
      c.result!.flops.gpuSupportedRatio,
    ])
  return baseChart({
    legend: { show: false },
    tooltip: { show: false },
    parallel: { left: 48, right: 96, top: 36, bottom: 24 },
    parallelAxis: dims,
    series: [{ type: 'parallel', lineStyle: { width: 2, opacity: 0.6 }, data }],
  } as unknown as ChartOption)
}
