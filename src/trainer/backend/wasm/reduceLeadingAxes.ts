import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { callWasmKernel, dispose, reshapeInfo } from './kernelCall'

/**
 * Sum and Mean over a block of axes that leaves the last axis alone: BatchNorm statistics and their
 * gradients (axes [0,1,2] of NHWC), the global average pool ([1,2]) and bias gradients ([0]).
 * tfjs-backend-wasm transposes the reduced axes innermost first (a full copy with scattered reads);
 * here the tensor is viewed as [outer, reduced, 1, inner] and averaged by XNNPACK's pooling, which
 * reads it once, channels innermost. A long block is reduced in two stages (first axis, then the
 * rest), which also keeps float32 rounding near that of a pairwise sum.
 */
export function createLeadingReductionConfig(original: KernelConfig, kind: 'sum' | 'mean'): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] => {
    const wasm = args.backend as BackendWasm
    const { x } = args.inputs as { x: TensorInfo }
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean }
    const plan = x.dtype === 'float32' ? planBlockReduction(x.shape, axis) : null
    if (plan === null) return original.kernelFunc(args)
    const mean = averageBlock(x, plan, wasm)
    if (kind === 'sum') scaleInPlace(mean, plan.reduced, wasm)
    const shape = keepDims ? plan.keptShape : plan.outShape
    const result = reshapeInfo(mean, shape, wasm)
    dispose(wasm, mean)
    return result
  }
  return { ...original, kernelFunc }
}

export interface BlockReduction {
  outer: number
  /** Sizes of the reduced axes, in order. */
  axes: number[]
  reduced: number
  inner: number
  outShape: number[]
  keptShape: number[]
}

/** A plan when `axis` is a contiguous block of axes that excludes the last one, else null. */
export function planBlockReduction(shape: readonly number[], axis: number | number[]): BlockReduction | null {
  const rank = shape.length
  if (rank < 2) return null
  const axes = [...new Set(util.parseAxisParam(axis, shape as number[]))].sort((a, b) => a - b)
  if (axes.length === 0) return null
  const first = axes[0]!
  const last = axes[axes.length - 1]!
  if (last >= rank - 1 || last - first + 1 !== axes.length) return null
  const sizes = axes.map((a) => shape[a]!)
  const reduced = util.sizeFromShape(sizes)
  if (reduced <= 1 || util.sizeFromShape(shape as number[]) === 0) return null
  return {
    outer: util.sizeFromShape(shape.slice(0, first)),
    axes: sizes,
    reduced,
    inner: util.sizeFromShape(shape.slice(last + 1)),
    outShape: shape.filter((_, i) => i < first || i > last),
    keptShape: shape.map((size, i) => (i < first || i > last ? size : 1)),
  }
}

function averageBlock(x: TensorInfo, plan: BlockReduction, backend: BackendWasm): TensorInfo {
  const head = plan.axes[0]!
  const rest = plan.reduced / head
  let current = x
  let rows = plan.outer * plan.reduced
  // Stage 1 averages all reduced axes but the first; stage 2 the first (skipped when of size 1).
  for (const window of [rest, head]) {
    if (window === 1) continue
    rows /= window
    const view = reshapeInfo(current, [rows, window, 1, plan.inner], backend)
    const pooled = callWasmKernel(
      'AvgPool',
      { x: view },
      { filterSize: [window, 1], strides: [window, 1], pad: 'valid' },
      backend,
    )
    dispose(backend, view)
    if (current !== x) dispose(backend, current)
    current = pooled
  }
  return current
}

function scaleInPlace(info: TensorInfo, factor: number, backend: BackendWasm): void {
  const values = backend.typedArrayFromHeap(info) as Float32Array
  for (let i = 0; i < values.length; i++) values[i]! *= factor
}
