import type { BenchRecord } from '../../shared/api'
import type { BenchStat } from '../../shared/api/benchRecords'
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
type Runtime = BenchStat['runtime']

/** tfjs on the benchmark's backend, or ONNX Runtime with its provider. */
export function runtimeLabel(runtime: Runtime, backend?: string): string {
  if (runtime === 'tfjs') return backend ? `tfjs ${backend}` : 'tfjs'
  return `ONNX Runtime ${runtime.replace('onnxruntime-', '').toUpperCase()}`
}

/** Every (runtime, network) pair measured, tfjs first: one chart series each. */
function seriesOf(record: BenchRecord, runtimes: readonly Runtime[]) {
  const ordered = [...new Set(runtimes)].sort((a, b) =>
    a === 'tfjs' ? -1 : b === 'tfjs' ? 1 : a.localeCompare(b),
  )
  const backend = record.result?.backend.name
  return ordered.flatMap((runtime) =>
    variants.map((variant) => ({
      runtime,
      variant,
      name: ordered.length > 1 ? `${variant}, ${runtimeLabel(runtime, backend)}` : variant,
    })),
  )
}

/** Latency distribution per batch size, dense and slimmed side by side (per runtime). */
export function latencyBoxChart(record: BenchRecord): ChartOption {
  const samples = record.result?.samples ?? []
  const batchSizes = [...new Set(samples.map((s) => s.batchSize))].sort((a, b) => a - b)
  return baseChart({
    tooltip: { trigger: 'item', confine: true },
    xAxis: { type: 'category', data: batchSizes.map((b) => `batch ${b}`) },
    yAxis: { type: 'log', name: 'latency (ms)' },
    series: seriesOf(
      record,
      samples.map((s) => s.runtime),
    ).map(({ runtime, variant, name }) => ({
      type: 'boxplot' as const,
      name,
      data: batchSizes.map((b) =>
        fiveNumbers(
          samples.find((s) => s.runtime === runtime && s.variant === variant && s.batchSize === b)
            ?.latencyMs ?? [],
        ),
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
    series: seriesOf(
      record,
      stats.map((s) => s.runtime),
    ).map(({ runtime, variant, name }) => ({
      type: 'bar' as const,
      name,
      data: batchSizes.map(
        (b) =>
          stats.find((s) => s.runtime === runtime && s.variant === variant && s.batchSize === b)
            ?.imagesPerSecond ?? 0,
      ),
      label: {
        show: true,
        position: 'top' as const,
        formatter: (p: { value: unknown }) => formatNumber(Number(p.value), 0),
      },
    })),
  })
}

/**
 * Measured speedup (dense median / slimmed median) per batch size, one bar per runtime, against the
 * ideal 1 / GPU-supported ratio.
 */
export function speedupChart(record: BenchRecord): ChartOption {
  const speedups = record.summary?.speedups ?? []
  const ratio = record.result?.gpuSupportedRatio ?? null
  const ideal = ratio && ratio > 0 ? 1 / ratio : null
  const batchSizes = [...new Set(speedups.map((s) => s.batchSize))].sort((a, b) => a - b)
  const runtimes = [...new Set(speedups.map((s) => s.runtime))]
  const backend = record.result?.backend.name
  return baseChart({
    xAxis: { type: 'category', data: batchSizes.map((b) => `batch ${b}`) },
    // The axis reaches the ideal line even when every measured bar stays below it.
    yAxis: {
      type: 'value',
      name: 'speedup ×',
      min: 0,
      max: (extent: { max: number }) => Math.ceil(Math.max(extent.max, ideal ?? 0) * 1.15 * 2) / 2,
    },
    series: runtimes.map((runtime, index) => ({
      type: 'bar' as const,
      name: runtimes.length > 1 ? runtimeLabel(runtime, backend) : 'measured speedup',
      data: batchSizes.map(
        (b) => speedups.find((s) => s.runtime === runtime && s.batchSize === b)?.speedup ?? 0,
      ),
      label: {
        show: true,
        position: 'top' as const,
        formatter: (p: { value: unknown }) => `${Number(p.value).toFixed(2)}×`,
      },
      markLine:
        ideal === null || index > 0
          ? undefined
          : {
              silent: true,
              symbol: 'none',
              data: [{ yAxis: ideal, name: 'FLOPs' }],
              label: {
                formatter: `1 / GPU-supported FLOPs = ${ideal.toFixed(2)}×`,
                position: 'insideEndTop',
              },
              lineStyle: { type: 'dashed' as const },
            },
    })),
  })
}
