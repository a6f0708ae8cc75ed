import type { BenchRecord } from '../../shared/api'
import type { ChartOption } from './echarts'
import { baseChart } from './chartParts'
import { formatNumber } from '../util/format'

/** [min, Q1, median, Q3, max] of latencies, for a box plot. */
export function fiveNumbers(values: readonly number[]): [number, number, number, number, number] {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => {
    if (sorted.length === 0) return 0
    const position = (sorted.length - 1) * q
    const low = Math.floor(position)
    const high = Math.ceil(position)
    return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low)
  }
  return [at(0), at(0.25), at(0.5), at(0.75), at(1)]
}

const variants = ['dense', 'slimmed'] as const

/** Latency distribution per batch size, dense and slimmed side by side. */
export function latencyBoxChart(record: BenchRecord): ChartOption {
  const samples = record.result?.samples ?? []
  const batchSizes = [...new Set(samples.map((s) => s.batchSize))].sort((a, b) => a - b)
  return baseChart({
    tooltip: { trigger: 'item', confine: true },
    xAxis: { type: 'category', data: batchSizes.map((b) => `batch ${b}`) },
    yAxis: { type: 'log', name: 'latency (ms)' },
    series: variants.map((variant) => ({
      type: 'boxplot' as const,
      name: variant,
      data: batchSizes.map((b) =>
        fiveNumbers(samples.find((s) => s.variant === variant && s.batchSize === b)?.latencyMs ?? []),
      ),
    })),
  })
}

/** Images per second per batch size, dense and slimmed. */
export function throughputChart(record: BenchRecord): ChartOption {
  const stats = record.summary?.stats ?? []
  const batchSizes = [...new Set(stats.map((s) => s.batchSize))].sort((a, b) => a - b)
  return baseChart({
    xAxis: { type: 'category', data: batchSizes.map((b) => `batch ${b}`) },
    yAxis: { type: 'value', name: 'images / s' },
    series: variants.map((variant) => ({
      type: 'bar' as const,
      name: variant,
      data: batchSizes.map(
        (b) => stats.find((s) => s.variant === variant && s.batchSize === b)?.imagesPerSecond ?? 0,
      ),
      label: {
        show: true,
        position: 'top' as const,
        formatter: (p: { value: unknown }) => formatNumber(Number(p.value), 0),
      },
    })),
  })
}

/** Measured speedup (dense median / slimmed median) per batch size, against the ideal 1 / GPU-supported ratio. */
export function speedupChart(record: BenchRecord): ChartOption {
  const speedups = record.summary?.speedups ?? []
  const ratio = record.result?.gpuSupportedRatio ?? null
  const ideal = ratio && ratio > 0 ? 1 / ratio : null
  return baseChart({
    xAxis: { type: 'category', data: speedups.map((s) => `batch ${s.batchSize}`) },
    // The axis reaches the ideal line even when every measured bar stays below it.
    yAxis: {
      type: 'value',
      name: 'speedup ×',
      min: 0,
      max: (extent: { max: number }) => Math.ceil(Math.max(extent.max, ideal ?? 0) * 1.15 * 2) / 2,
    },
    series: [
      {
        type: 'bar',
        name: 'measured speedup',
        data: speedups.map((s) => s.speedup),
        label: {
          show: true,
          position: 'top',
          formatter: (p: { value: unknown }) => `${Number(p.value).toFixed(2)}×`,
        },
        markLine:
          ideal === null
            ? undefined
            : {
                silent: true,
                symbol: 'none',
                data: [{ yAxis: ideal, name: 'FLOPs' }],
                label: {
                  formatter: `1 / GPU-supported FLOPs = ${ideal.toFixed(2)}×`,
                  position: 'insideEndTop',
                },
                lineStyle: { type: 'dashed' },
              },
      },
    ],
  })
}
