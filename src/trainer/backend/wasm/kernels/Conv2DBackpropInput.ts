import {
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { gradientConvInfo } from '../conv2d'
import { conv2dInfo, dispose, reshapeInfo, sliceInfo, transposeInfo } from '../kernelCall'
import { heapOffset } from '../wasmInternals'
import { simdKernelsFor } from '../simdKernels'
import { ownKernel } from '../wasmKernel'

/**
 * The input gradient as one forward convolution on XNNPACK (tfjs-backend-wasm's own kernel is a plain
 * C++ loop). Forward: y[i] = Σ_a x[s·i + a − top] · W[a]. Writing an input row as h = s·m + p (phase p),
 *   dx[s·m + p] = Σ_d dy[m − d] · W[s·d + p + top]
 * so every phase is a stride-1 correlation of dy with a sub-filter of W. One convolution computes all
 * s_h·s_w phases as extra output channels (no multiplications by inserted zeros), and a transpose
 * interleaves them back into rows and columns. For stride 1 this is the familiar rotated-filter conv.
 */
function conv2dBackpropInput({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const wasm = backend as BackendWasm
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo }
  const attributes = attrs as unknown as Conv2DBackpropInputAttrs
  const info = gradientConvInfo(
    Conv2DBackpropInput,
    attributes.inputShape,
    filter.shape as [number, number, number, number],
    attributes,
  )
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co, padInfo } = info
  const rows = phasePlan(info.filterHeight, info.strideHeight, padInfo.top, info.outHeight, h)
  const cols = phasePlan(info.filterWidth, info.strideWidth, padInfo.left, info.outWidth, w)

  const phaseFilter = buildPhaseFilter(filter, rows, cols, ci, co, wasm)
  // A negative leading pad (padding larger than the kernel reaches) means skipping dy rows instead.
  let source = dy
  if (rows.padBefore < 0 || cols.padBefore < 0) {
    const skipRows = Math.max(0, -rows.padBefore)
    const skipCols = Math.max(0, -cols.padBefore)
    source = sliceInfo(
      dy,
      [0, skipRows, skipCols, 0],
      [n, dy.shape[1]! - skipRows, dy.shape[2]! - skipCols, co],
      wasm,
    )
  }
  const phases = conv2dInfo(
    source,
    phaseFilter,
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [Math.max(0, rows.padBefore), rows.padAfter, Math.max(0, cols.padBefore), cols.padAfter],
    },
    wasm,
  )
  if (source !== dy) dispose(wasm, source)
  dispose(wasm, phaseFilter)

  const [, outRows, outCols] = phases.shape as [number, number, number, number]
  let interleaved = phases
  if (rows.stride > 1 || cols.stride > 1) {
    const split = reshapeInfo(phases, [n, outRows, outCols, rows.stride, cols.stride, ci], wasm)
    const moved = transposeInfo(split, [0, 1, 3, 2, 4, 5], wasm)
    dispose(wasm, phases, split)
    interleaved = reshapeInfo(moved, [n, outRows * rows.stride, outCols * cols.stride, ci], wasm)
    dispose(wasm, moved)
  }
  if (interleaved.shape[1] === h && interleaved.shape[2] === w) return interleaved
  const dx = sliceInfo(interleaved, [0, 0, 0, 0], [n, h, w, ci], wasm)
  dispose(wasm, interleaved)
  return dx
}

/** How one spatial axis of the input gradient maps onto a stride-1 correlation over dy. */
export interface PhasePlan {
  stride: number
  /** Window of the correlation (taps over dy). */
  taps: number
  /** Largest dy offset d; tap t reads dy[m − dMax + t]. */
  dMax: number
  /** Zero padding of dy before and after (before may be negative: skip rows). */
  padBefore: number
  padAfter: number
  /** Kernel row feeding (tap t, phase p), or −1 for none: a = s·(dMax − t) + p + padTop. */
  kernelIndex: (tap: number, phase: number) => number
}

export function phasePlan(
  kernel: number,
  stride: number,
  padTop: number,
  outSize: number,
  inSize: number,
): PhasePlan {
  const dMax = Math.floor((kernel - 1 - padTop) / stride)
  const dMin = Math.ceil((-(stride - 1) - padTop) / stride)
  const taps = dMax - dMin + 1
  const phaseRows = Math.ceil(inSize / stride)
  // The correlation must produce phaseRows outputs: outSize + before + after − taps + 1 = phaseRows.
  const padAfter = Math.max(0, phaseRows - outSize - dMax + taps - 1)
  const kernelIndex = (tap: number, phase: number): number => {
    const a = stride * (dMax - tap) + phase + padTop
    return a >= 0 && a < kernel ? a : -1
  }
  return { stride, taps, dMax, padBefore: dMax, padAfter, kernelIndex }
}

/**
 * [taps_h, taps_w, Co, s_h·s_w·Ci]: output channel (p·s_w + q)·Ci + ci holds phase (p, q), i.e.
 * F[t, u, o, phase·Ci + i] = W[a, b, i, o] for the kernel row a and column b feeding that tap and phase.
 * Each (tap, phase) block is a transpose of one [Ci, Co] slice of W: by our SIMD kernel on the heap,
 * or in JavaScript.
 */
function buildPhaseFilter(
  filter: TensorInfo,
  rows: PhasePlan,
  cols: PhasePlan,
  ci: number,
  co: number,
  backend: BackendWasm,
): TensorInfo {
  const kw = filter.shape[1]!
  const outChannels = rows.stride * cols.stride * ci
  const result = backend.makeOutput([rows.taps, cols.taps, co, outChannels], 'float32')
  const values = backend.typedArrayFromHeap(result) as Float32Array
  values.fill(0)
  const kernels = simdKernelsFor(backend)
  const weights = kernels === null ? (backend.typedArrayFromHeap(filter) as Float32Array) : null
  const [source, target] = [heapOffset(backend, filter), heapOffset(backend, result)]
  for (let t = 0; t < rows.taps; t++) {
    for (let p = 0; p < rows.stride; p++) {
      const a = rows.kernelIndex(t, p)
      if (a < 0) continue
      for (let u = 0; u < cols.taps; u++) {
        for (let q = 0; q < cols.stride; q++) {
          const b = cols.kernelIndex(u, q)
          if (b < 0) continue
          const targetBase = (t * cols.taps + u) * co * outChannels + (p * cols.stride + q) * ci
          const sourceBase = (a * kw + b) * ci * co
          if (kernels !== null) {
            kernels.call('transposeBlocks', {
              src: source + 4 * sourceBase,
              dst: target + 4 * targetBase,
              rows: ci,
              cols: co,
              srcRowBytes: 4 * co,
              dstRowBytes: 4 * outChannels,
              count: 1,
              srcStep: 0,
              dstStep: 0,
            })
            continue
          }
          for (let i = 0; i < ci; i++) {
            const from = sourceBase + i * co
            for (let o = 0; o < co; o++) values[targetBase + o * outChannels + i] = weights![from + o]!
          }
        }
      }
    }
  }
  return result
}

export const kernel = ownKernel(Conv2DBackpropInput, conv2dBackpropInput)
