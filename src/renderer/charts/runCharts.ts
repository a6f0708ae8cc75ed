import type { ChasePlan } from '../../shared/chase/plan'
import { channelSparsityAt } from '../../shared/chase/channelSchedule'
import { softBoundDensityAt } from '../../shared/chase/densitySchedule'
import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import type { ChannelEventMessage, LiveSeries, MaskUpdateMessage } from '../stores/runDashboard'
import type { ChartOption } from './echarts'
import { baseChart, flatPoints, longLine, stepAxis, zipPoints } from './chartParts'
import { engineKeys } from './metricKeys'
import { formatNumber } from '../util/format'

/** Lines of the given metric keys over steps. */
export function metricLinesChart(
  series: ReadonlyMap<string, LiveSeries>,
  keys: readonly string[],
  yName: string,
  options: { logY?: boolean; maxStep?: number } = {},
): ChartOption {
  return baseChart({
    xAxis: stepAxis('step', options.maxStep),
    yAxis: { type: options.logY ? 'log' : 'value', name: yName, scale: true },
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }],
    series: keys.map((key) => {
      const s = series.get(key)
      const count = s ? Math.min(s.steps.length, s.values.length) : 0
      // Sparse series (one point per epoch) keep their markers; dense ones are drawn as plain lines.
      if (count < 60)
        return longLine(key, s ? zipPoints(s.steps, s.values) : [], { showSymbol: true, symbolSize: 5 })
      return longLine(key, flatPoints(s!.steps, s!.values))
    }),
  })
}

/**
 * The nnz/N saw-tooth: d·N after each prune, dr(s)·N after each grow (from the mask updates, merged with
 * the trainer's own nnz/N points), against dr(s) from the config; the alive-region density beside it.
 */
export function globalDensityChart(
  maskUpdates: readonly MaskUpdateMessage[],
  maskableWeights: number,
  config: ExperimentConfig,
  plan: ChasePlan | null,
  series: ReadonlyMap<string, LiveSeries>,
  extraKeys: readonly string[],
): ChartOption {
  const saw: [number, number][] = []
  const updateSteps = new Set<number>()
  for (const update of maskUpdates) {
    updateSteps.add(update.step)
    saw.push(
      [update.step, update.nnzAfterPrune / maskableWeights],
      [update.step, update.nnzAfterGrow / maskableWeights],
    )
  }
  const measured = series.get(engineKeys.density)
  if (measured) {
    measured.steps.forEach((step, i) => {
      if (!updateSteps.has(step)) saw.push([step, measured.values[i]!])
    })
  }
  // Stable sort keeps each update's prune point before its grow point.
  saw.sort((a, b) => a[0] - b[0])
  const drCurve: [number, number][] = []
  if (plan && config.sparsity.enabled) {
    const schedule = {
      density: config.sparsity.density,
      increment: config.sparsity.softBoundIncrement,
      endStep: plan.timing.softBoundEndStep,
      shape: config.sparsity.densitySchedule,
    }
    const softBound = config.sparsity.exploration === 'soft-bound'
    for (let i = 0; i <= 200; i++) {
      const step = Math.round((i * plan.totalSteps) / 200)
      drCurve.push([step, softBound ? softBoundDensityAt(step, schedule) : config.sparsity.density])
    }
  }
  const alive = series.get(engineKeys.aliveRegionDensity)
  return baseChart({
    xAxis: stepAxis('step', plan?.totalSteps),
    yAxis: { type: 'value', name: 'density', scale: true },
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }],
    series: [
      longLine('nnz / N', saw, { step: 'end', lineStyle: { width: 1.5 } }),
      longLine('dr(s)', drCurve, { lineStyle: { type: 'dashed', width: 1.5 } }),
      ...(alive
        ? [
            longLine('alive-region density', zipPoints(alive.steps, alive.values), {
              lineStyle: { width: 1 },
            }),
          ]
        : []),
      ...extraKeys.map((key) => {
        const s = series.get(key)!
        return longLine(key, zipPoints(s.steps, s.values))
      }),
    ],
  })
}

/** Target Sc(s) against the measured channel sparsity 1 − F/B. */
export function channelSparsityChart(
  events: readonly ChannelEventMessage[],
  config: ExperimentConfig,
  plan: ChasePlan | null,
  series: ReadonlyMap<string, LiveSeries>,
): ChartOption {
  const baseline = plan?.baselineChannels ?? 0
  const target: [number, number][] = []
  if (plan) {
    const schedule = {
      sparsity: config.channels.sparsity,
      endStep: plan.timing.channelEndStep,
      shape: config.channels.schedule,
    }
    for (let i = 0; i <= 200; i++) {
      const step = Math.round((i * plan.totalSteps) / 200)
      target.push([step, config.channels.enabled ? channelSparsityAt(step, schedule) : 0])
    }
  }
  const measured = series.get(engineKeys.channelSparsity)
  const fromEvents: [number, number][] = [[0, 0]]
  for (const e of events) if (baseline > 0) fromEvents.push([e.step, 1 - e.aliveAfter / baseline])
  const actual =
    measured && measured.steps.length > 0 ? zipPoints(measured.steps, measured.values) : fromEvents
  return baseChart({
    xAxis: stepAxis('step', plan?.totalSteps),
    yAxis: { type: 'value', name: 'channel sparsity', min: 0 },
    series: [
      longLine('target Sc(s)', target, { lineStyle: { type: 'dashed' } }),
      {
        type: 'scatter',
        name: 'event targets',
        data: events.map((e) => [e.step, e.targetChannelSparsity]),
        symbolSize: 7,
      },
      longLine('actual 1 − F/B', actual, { step: 'end', lineStyle: { width: 2 } }),
    ],
  })
}

/** Channels removed per layer at each event (stacked), with the total alive after it. */
export function pruningTimelineChart(events: readonly ChannelEventMessage[]): ChartOption {
  const groups = [...new Set(events.flatMap((e) => e.removed.map((r) => r.group)))]
  const categories = events.map((e) => formatNumber(e.step))
  return baseChart({
    grid: { left: 56, right: 56, top: 48, bottom: 36 },
    tooltip: { trigger: 'axis', confine: true },
    xAxis: { type: 'category', data: categories, name: 'event step', nameLocation: 'middle', nameGap: 24 },
    yAxis: [
      { type: 'value', name: 'removed' },
      { type: 'value', name: 'alive', splitLine: { show: false }, min: 0 },
    ],
    series: [
      ...groups.map((group) => ({
        type: 'bar' as const,
        name: group,
        stack: 'removed',
        data: events.map((e) => e.removed.find((r) => r.group === group)?.count ?? 0),
        emphasis: { focus: 'series' as const },
      })),
      {
        type: 'line' as const,
        name: 'alive after',
        yAxisIndex: 1,
        data: events.map((e) => e.aliveAfter),
        symbolSize: 5,
      },
    ],
  })
}

/** Alive channels per layer after each event, each with its floor as a dashed line. */
export function aliveChannelsChart(events: readonly ChannelEventMessage[], maxStep?: number): ChartOption {
  const groups = [...new Set(events.flatMap((e) => e.removed.map((r) => r.group)))]
  return baseChart({
    grid: { left: 56, right: 20, top: 48, bottom: 36 },
    xAxis: stepAxis('step', maxStep),
    yAxis: { type: 'value', name: 'alive channels', min: 0 },
    series: groups.map((group) => {
      const points = events.flatMap((e) => {
        const r = e.removed.find((x) => x.group === group)
        return r ? [[e.step, r.alive] as [number, number]] : []
      })
      const floor = events.flatMap((e) => e.removed.filter((x) => x.group === group)).at(-1)?.floor
      return {
        type: 'line' as const,
        name: group,
        step: 'end' as const,
        data: points,
        symbolSize: 4,
        markLine:
          floor === undefined
            ? undefined
            : {
                silent: true,
                symbol: 'none',
                data: [{ yAxis: floor }],
                lineStyle: { type: 'dashed' as const },
                label: { show: false },
              },
      }
    }),
  })
}

/** Histogram of the alive channels' UMM in one layer, with the last event's global threshold τ. */
export function ummHistogramChart(
  values: readonly number[],
  threshold: number | null,
  bins = 30,
): ChartOption {
  const max = Math.max(threshold ?? 0, ...values, 1e-12)
  const width = max / bins
  const counts = new Array<number>(bins).fill(0)
  for (const v of values) counts[Math.min(bins - 1, Math.floor(v / width))]!++
  return baseChart({
    legend: { show: false },
    grid: { left: 48, right: 16, top: 24, bottom: 36 },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params) => {
        const item = (Array.isArray(params) ? params[0] : params) as { dataIndex: number }
        const i = item.dataIndex
        return `UMM ${formatNumber(i * width, 4)} – ${formatNumber((i + 1) * width, 4)}: ${counts[i]} channels`
      },
    },
    xAxis: {
      type: 'value',
      name: 'UMM',
      nameLocation: 'middle',
      nameGap: 24,
      min: 0,
      max,
      axisLabel: { formatter: (v: number) => formatNumber(v, 3), hideOverlap: true },
    },
    yAxis: { type: 'value', name: 'channels', minInterval: 1 },
    series: [
      {
        type: 'bar',
        name: 'channels',
        barWidth: '90%',
        barCategoryGap: '0%',
        data: counts.map((c, i) => [(i + 0.5) * width, c]),
        markLine:
          threshold === null
            ? undefined
            : {
                silent: true,
                symbol: 'none',
                data: [{ xAxis: threshold, name: 'τ' }],
                label: { formatter: `τ = ${formatNumber(threshold, 4)}` },
                lineStyle: { color: '#d7301f', width: 2 },
              },
      },
    ],
  })
}
