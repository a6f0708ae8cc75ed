import { BenchRequest } from '../../src/shared/protocol/trainerMessages'
import { runInferenceBench } from '../../src/trainer/bench/inferenceBench'
import { median } from '../training/stats'

/** Dense against channel-slimmed inference on the GPU, beside what the FLOPs promise. */
export interface InferenceRow {
  readonly model: string
  readonly ranOn: string
  readonly batch: number
  readonly channelSparsity: number
  readonly denseMs: number
  readonly slimmedMs: number
  /** denseMs / slimmedMs. */
  readonly measuredSpeedup: number
  /** Dense MACs over slimmed MACs: the speedup slimming promises on a GPU (dense kernels, fewer channels). */
  readonly flopsSpeedup: number
}

/** The workbench's own inference bench (alternating dense and slimmed, reads included) on webgpu. */
export async function timeGpuInference(options: {
  model: string
  batch: number
  warmup: number
  reps: number
  channelSparsity: number
}): Promise<InferenceRow> {
  const request = BenchRequest.parse({
    model: options.model,
    dataset: 'cifar10',
    channelSparsity: options.channelSparsity,
    batchSizes: [options.batch],
    warmup: options.warmup,
    reps: options.reps,
    backend: 'webgpu',
    onnxRuntime: false,
  })
  const result = await runInferenceBench(request)
  const latency = (variant: 'dense' | 'slimmed') => {
    const sample = result.samples.find((s) => s.runtime === 'tfjs' && s.variant === variant)
    if (!sample) throw new Error(`the inference bench returned no tfjs ${variant} sample`)
    return median(sample.latencyMs)
  }
  const denseMs = latency('dense')
  const slimmedMs = latency('slimmed')
  const adapter = result.backend.adapter
  return {
    model: options.model,
    ranOn: adapter
      ? `${adapter.vendor} ${adapter.device || adapter.architecture}`.trim()
      : result.backend.name,
    batch: options.batch,
    channelSparsity: options.channelSparsity,
    denseMs,
    slimmedMs,
    measuredSpeedup: denseMs / slimmedMs,
    flopsSpeedup: 1 / result.gpuSupportedRatio,
  }
}
