import * as tf from '@tensorflow/tfjs-core'
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { BatchNormTraining, type BatchNormTrainingAttrs } from '../../ops/batchNormTraining'
import { dispose } from './kernelCall'
import { heapOffset } from './wasmInternals'
import { simdKernelsFor, type SimdKernels } from './simdKernels'

/**
 * Training-mode batch normalisation as two kernels of our own on wasm, replacing the chain tfjs
 * builds from moments, sub, mul, add, rsqrt and ReLU (a dozen full-size elementwise kernels forward
 * and twice that backward, each one pass over the activation, single-threaded):
 *
 *   ChaseBatchNormTraining(x, gamma, beta, bias?) → [y, mean, variance, saved]
 *     y = ReLU?((x + bias − mean)·γ/√(variance + ε) + β) with the batch's mean and biased variance;
 *     `saved` = [mean of x, 1/√(variance + ε)] for the gradient.
 *   ChaseBatchNormTrainingGrad(dy, x, gamma, beta, saved) → [dx, dγ, dβ, dbias]
 *
 * A conv bias ahead of the normalisation is folded in (it shifts the mean and cancels out); ReLU is
 * folded in when it is the normalisation's only consumer; the bias's gradient is then exactly 0.
 * Per-channel sums are taken over chunks of
 * rows in wasm and added in float64 here, so long reductions (10⁵ values per channel) keep their
 * precision. NHWC, float32, a channel count that is a multiple of 4 (`batchNormTrainingAccepts`).
The op, its attrs and its gradient are declared in `ops/batchNormTraining.ts`.
 */
/** What the kernels accept: a multiple of 4 channels, with the SIMD kernels reachable. */
export const batchNormTrainingAccepts = ({ channels }: { channels: number }): boolean =>
  channels % 4 === 0 && simdKernelsFor(tf.backend() as BackendWasm) !== null

/** Rows per wasm call of a reduction: short enough float32 sums, few enough calls. */
const rowsPerChunk = 256

interface Layout {
  readonly kernels: SimdKernels
  readonly channels: number
  readonly rows: number
  readonly channelBytes: number
}

function layoutOf(x: TensorInfo, wasm: BackendWasm): Layout {
  const kernels = simdKernelsFor(wasm)
  const channels = x.shape[x.shape.length - 1]!
  if (kernels === null || channels % 4 !== 0)
    throw new Error(`${BatchNormTraining} needs the wasm SIMD kernels and a multiple of 4 channels`)
  return { kernels, channels, rows: tf.util.sizeFromShape(x.shape) / channels, channelBytes: 4 * channels }
}

/** Calls `pass(byteOffset, bytes)` over chunks of rows and adds the `slots` it leaves at `acc` in float64. */
function reduceRows(
  layout: Layout,
  acc: Float32Array,
  slots: number,
  pass: (byteOffset: number, bytes: number) => void,
): Float64Array[] {
  const { channels, rows, channelBytes } = layout
  const totals = Array.from({ length: slots }, () => new Float64Array(channels))
  for (let first = 0; first < rows; first += rowsPerChunk) {
    pass(first * channelBytes, Math.min(rowsPerChunk, rows - first) * channelBytes)
    for (let s = 0; s < slots; s++) {
      const total = totals[s]!
      for (let c = 0; c < channels; c++) total[c]! += acc[s * channels + c]!
    }
  }
  return totals
}

/**
 * Per-channel mean and sum of squared deviations of x in one sweep: each chunk of rows is summed and
 * then, while it is still in cache, its squared deviations from its own mean are taken; the chunks
 * are merged in float64 with Chan et al.'s pairwise update, as exact as two passes over all of x.
 * `slots` holds two C-float slots at byte offset `at`: the accumulator, then the chunk's mean.
 */
function channelMoments(
  layout: Layout,
  slots: Float32Array,
  xAt: number,
  at: number,
): { mean: Float64Array; squares: Float64Array } {
  const { kernels, channels, rows, channelBytes } = layout
  const mean = new Float64Array(channels)
  const squares = new Float64Array(channels)
  const center = slots.subarray(channels, 2 * channels)
  const chunkSum = new Float64Array(channels)
  for (let first = 0, seen = 0; first < rows; first += rowsPerChunk) {
    const count = Math.min(rowsPerChunk, rows - first)
    const [offset, bytes] = [xAt + first * channelBytes, count * channelBytes]
    kernels.call('channelSums', { x: offset, bytes, channelBytes, acc: at })
    chunkSum.set(slots.subarray(0, channels))
    for (let c = 0; c < channels; c++) center[c] = chunkSum[c]! / count
    kernels.call('channelSquaredDeviations', {
      x: offset,
      bytes,
      channelBytes,
      mean: at + channelBytes,
      acc: at,
    })
    const total = seen + count
    for (let c = 0; c < channels; c++) {
      // Deviations were taken from the float32-rounded chunk mean: move them to the exact one.
      const chunkMean = chunkSum[c]! / count
      const offCenter = chunkMean - center[c]!
      const chunkSquares = slots[c]! - count * offCenter * offCenter
      const delta = chunkMean - mean[c]!
      mean[c] = mean[c]! + (delta * count) / total
      squares[c] = squares[c]! + chunkSquares + (delta * delta * seen * count) / total
    }
    seen = total
  }
  return { mean, squares }
}

const offsetOf = (info: TensorInfo, wasm: BackendWasm): number => heapOffset(wasm, info)

export function batchNormTraining({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo[] {
  const wasm = backend as BackendWasm
  const { x, gamma, beta, bias } = inputs as Record<string, TensorInfo | undefined> & { x: TensorInfo }
  const { epsilon, relu } = attrs as unknown as BatchNormTrainingAttrs
  const layout = layoutOf(x, wasm)
  const { kernels, channels, rows, channelBytes } = layout
  // Slots of C floats: the reduction accumulator, then normalize's params (mean, scale, beta).
  const scratch = wasm.makeOutput([4 * channels], 'float32')
  const y = wasm.makeOutput(x.shape, 'float32')
  const mean = wasm.makeOutput([channels], 'float32')
  const variance = wasm.makeOutput([channels], 'float32')
  const saved = wasm.makeOutput([2 * channels], 'float32')
  // Views after the allocations: growing the heap replaces its buffer.
  const slots = wasm.typedArrayFromHeap(scratch) as Float32Array
  const at = offsetOf(scratch, wasm)
  const xAt = offsetOf(x, wasm)

  const moments = channelMoments(layout, slots, xAt, at)
  const params = slots.subarray(channels)
  for (let c = 0; c < channels; c++) params[c] = moments.mean[c]!
  const squares = moments.squares
  const gammaValues = wasm.typedArrayFromHeap(gamma!) as Float32Array
  const betaValues = wasm.typedArrayFromHeap(beta!) as Float32Array
  const biasValues = bias === undefined ? null : (wasm.typedArrayFromHeap(bias) as Float32Array)
  const meanOut = wasm.typedArrayFromHeap(mean) as Float32Array
  const varianceOut = wasm.typedArrayFromHeap(variance) as Float32Array
  const savedOut = wasm.typedArrayFromHeap(saved) as Float32Array
  for (let c = 0; c < channels; c++) {
    const v = squares![c]! / rows
    const invStd = 1 / Math.sqrt(Math.fround(v) + epsilon)
    varianceOut[c] = v
    meanOut[c] = params[c]! + (biasValues?.[c] ?? 0)
    savedOut[c] = params[c]!
    savedOut[channels + c] = invStd
    params[channels + c] = gammaValues[c]! * Math.fround(invStd)
    params[2 * channels + c] = betaValues[c]!
  }
  kernels.call('normalize', {
    x: xAt,
    bytes: rows * channelBytes,
    channelBytes,
    params: at + channelBytes,
    out: offsetOf(y, wasm),
    relu: relu ? 1 : 0,
  })
  dispose(wasm, scratch)
  return [y, mean, variance, saved]
}

export function batchNormTrainingGrad({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo[] {
  const wasm = backend as BackendWasm
  const { dy, x, gamma, beta, saved } = inputs as Record<'dy' | 'x' | 'gamma' | 'beta' | 'saved', TensorInfo>
  const { relu } = attrs as unknown as Pick<BatchNormTrainingAttrs, 'relu'>
  const layout = layoutOf(x, wasm)
  const { kernels, channels, rows, channelBytes } = layout
  // Slots: two sums (Σg, Σg·(x − mean)), then the backward params (mean, scale, beta, k1, meanG, k2).
  const scratch = wasm.makeOutput([8 * channels], 'float32')
  const dx = wasm.makeOutput(x.shape, 'float32')
  const dGamma = wasm.makeOutput([channels], 'float32')
  const dBeta = wasm.makeOutput([channels], 'float32')
  const dBias = wasm.makeOutput([channels], 'float32')
  const slots = wasm.typedArrayFromHeap(scratch) as Float32Array
  const at = offsetOf(scratch, wasm)
  const paramsAt = at + 2 * channelBytes
  const params = slots.subarray(2 * channels)
  const savedValues = wasm.typedArrayFromHeap(saved) as Float32Array
  const gammaValues = wasm.typedArrayFromHeap(gamma) as Float32Array
  // mean, scale and beta exactly as the forward pass had them (so the ReLU mask is the same).
  params.set(savedValues.subarray(0, channels))
  for (let c = 0; c < channels; c++) params[channels + c] = gammaValues[c]! * savedValues[channels + c]!
  params.set(wasm.typedArrayFromHeap(beta) as Float32Array, 2 * channels)
  const [dyAt, xAt] = [offsetOf(dy, wasm), offsetOf(x, wasm)]
  const mask = relu ? 1 : 0

  const [gradientSum, productSum] = reduceRows(layout, slots, 2, (offset, bytes) =>
    kernels.call('gradientSums', {
      dy: dyAt + offset,
      x: xAt + offset,
      bytes,
      channelBytes,
      params: paramsAt,
      sums: at,
      relu: mask,
    }),
  )
  const dGammaOut = wasm.typedArrayFromHeap(dGamma) as Float32Array
  const dBetaOut = wasm.typedArrayFromHeap(dBeta) as Float32Array
  for (let c = 0; c < channels; c++) {
    const invStd = savedValues[channels + c]!
    dBetaOut[c] = gradientSum![c]!
    dGammaOut[c] = productSum![c]! * invStd
    params[3 * channels + c] = gammaValues[c]! * invStd
    params[4 * channels + c] = gradientSum![c]! / rows
    params[5 * channels + c] = (invStd * invStd * productSum![c]!) / rows
  }
  kernels.call('inputGradient', {
    dy: dyAt,
    x: xAt,
    bytes: rows * channelBytes,
    channelBytes,
    params: paramsAt,
    dx: offsetOf(dx, wasm),
    relu: mask,
  })
  // The bias cancels in training mode: Σ dx = k1·(Σg − n·meanG − k2·Σ(x − mean)) = 0 exactly.
  ;(wasm.typedArrayFromHeap(dBias) as Float32Array).fill(0)
  dispose(wasm, scratch)
  return [dx, dGamma, dBeta, dBias]
}
