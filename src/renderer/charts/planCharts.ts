import type { ChasePlan } from '../../shared/chase/plan'
import { channelSparsityAt } from '../../shared/chase/channelSchedule'
import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import type { ChartOption } from './echarts'
import { baseChart, stepAxis } from './chartParts'
import { formatNumber, formatPercent } from '../util/format'

/** Starting density of every maskable layer (ERK, ER or uniform), one bar per layer. */
export function layerDensityChart(plan: ChasePlan): ChartOption {
  return baseChart({
    legend: { show: false },
    grid: { left: 48, right: 12, top: 28, bottom: 64 },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params) => {
        const item = (Array.isArray(params) ? params[0] : params) as { dataIndex: number }
        const layer = plan.layers[item.dataIndex]!
        return `${layer.name} [${layer.shape.join('×')}]<br>density ${formatPercent(layer.density)} of ${formatNumber(layer.weights)} weights`
      },
    },
    xAxis: {
      type: 'category',
      data: plan.layers.map((l) => l.name),
      axisLabel: { rotate: 45, fontSize: 10 },
    },
    yAxis: { type: 'value', name: 'density', min: 0, max: 1 },
    series: [
      {
        type: 'bar',
        name: 'density',
        data: plan.layers.map((l) => l.density),
        markLine: {
          silent: true,
          symbol: 'none',
          data: [{ yAxis: plan.density, name: 'd' }],
          label: { formatter: 'd' },
        },
      },
    ],
  })
}

/** Width of each prunable channel group, its floor and the width expected at the end. */
export function channelFloorChart(plan: ChasePlan, channelSparsity: number): ChartOption {
  const groups = plan.channelGroups
  return baseChart({
    grid: { left: 48, right: 12, top: 44, bottom: 64 },
    xAxis: { type: 'category', data: groups.map((g) => g.name), axisLabel: { rotate: 45, fontSize: 10 } },
    yAxis: { type: 'value', name: 'channels' },
    series: [
      { type: 'bar', name: 'channels', data: groups.map((g) => g.channels), itemStyle: { opacity: 0.35 } },
      {
        type: 'bar',
        name: 'expected at end',
        barGap: '-100%',
        data: groups.map((g) => Math.max(g.minChannels, Math.round(g.channels * (1 - channelSparsity)))),
        itemStyle: { opacity: 0.6 },
      },
      { type: 'bar', name: 'floor', barGap: '-100%', data: groups.map((g) => g.minChannels) },
    ],
  })
}

/** Sc(s) over the run, with each channel event and its target of alive channels. */
export function channelTimelineChart(plan: ChasePlan, config: ExperimentConfig): ChartOption {
  const schedule = {
    sparsity: config.channels.sparsity,
    endStep: plan.timing.channelEndStep,
    shape: config.channels.schedule,
  }
  const total = plan.totalSteps
  const curve: [number, number][] = []
  const samples = 200
  for (let i = 0; i <= samples; i++) {
    const step = Math.round((i * total) / samples)
    curve.push([step, channelSparsityAt(step, schedule)])
  }
  return baseChart({
    grid: { left: 48, right: 48, top: 44, bottom: 36 },
    xAxis: stepAxis('step', total),
    yAxis: [
      { type: 'value', name: 'Sc(s)', min: 0, max: Math.max(0.05, config.channels.sparsity) },
      { type: 'value', name: 'alive', splitLine: { show: false }, min: 0 },
    ],
    series: [
      { type: 'line', name: 'Sc(s)', data: curve, showSymbol: false },
      {
        type: 'scatter',
        name: 'events',
        data: plan.channelEvents.map((e) => [e.step, e.targetChannelSparsity]),
        symbolSize: 8,
      },
      {
        type: 'line',
        name: 'target alive',
        yAxisIndex: 1,
        step: 'end',
        data: [[0, plan.baselineChannels], ...plan.channelEvents.map((e) => [e.step, e.targetAliveChannels])],
        showSymbol: false,
        lineStyle: { type: 'dashed' },
      },
    ],
  })
}

/** dr(s): the density each update fills up to, from d + Δ down to d at T_d, then d. */
export function softBoundChart(plan: ChasePlan): ChartOption {
  const curve = plan.densityCurve.map((p) => [p.step, p.densityAfter])
  return baseChart({
    grid: { left: 56, right: 16, top: 44, bottom: 36 },
    xAxis: stepAxis('step', plan.totalSteps),
    yAxis: { type: 'value', name: 'nnz / N', scale: true },
    series: [
      {
        type: 'line',
        name: 'dr(s)',
        data: curve,
        showSymbol: curve.length < 60,
        markLine: {
          silent: true,
          symbol: 'none',
          data: [
            { yAxis: plan.density, name: 'd' },
            ...(plan.timing.softBoundEndStep > 0
              ? [{ xAxis: plan.timing.softBoundEndStep, name: 'T_d' }]
              : []),
          ],
          label: { formatter: (p: { name?: string }) => p.name ?? '' },
        },
      },
    ],
  })
}

/** Dense, theoretical and GPU-supported inference MACs, as bars with their ratio. */
/**
 * Dense and theoretical MACs as bars; GPU-supported MACs as the plan's range (a floating bar from the
 * bound's low to its high end), since which channels go (and so the figure) is only known after training.
 */
export function flopsChart(plan: ChasePlan): ChartOption {
  const [low, high] = plan.gpuSupportedRatioRange
  const names = ['dense', 'theoretical', 'GPU-supported']
  const ratio = (macs: number) => macs / Math.max(1, plan.denseMacs)
  return baseChart({
    legend: { show: false },
    grid: { left: 100, right: 90, top: 8, bottom: 24 },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: () =>
        `dense ${formatNumber(plan.denseMacs)} MACs<br>theoretical ${formatNumber(plan.expectedTheoreticalMacs)} ` +
        `(${ratio(plan.expectedTheoreticalMacs).toFixed(3)}×)<br>GPU-supported between ${low.toFixed(3)}× and ` +
        `${high.toFixed(3)}× (every choice of channels that keeps the floors)`,
    },
    yAxis: { type: 'category', data: names, inverse: true },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatNumber(v / 1e6, 1) + ' M' } },
    series: [
      {
        // The invisible start of the floating range bar.
        type: 'bar',
        stack: 'macs',
        silent: true,
        itemStyle: { color: 'transparent' },
        data: [0, 0, low * plan.denseMacs],
      },
      {
        type: 'bar',
        stack: 'macs',
        data: [plan.denseMacs, plan.expectedTheoreticalMacs, (high - low) * plan.denseMacs],
        label: {
          show: true,
          position: 'right',
          formatter: (p: { dataIndex: number; value: unknown }) =>
            p.dataIndex === 2
              ? `${low.toFixed(3)}–${high.toFixed(3)}×`
              : `${ratio(Number(p.value)).toFixed(3)}×`,
        },
      },
    ],
  })
}
