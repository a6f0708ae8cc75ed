import {
  backend_util,
  type AvgPoolGradAttrs,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { simdKernelsFor } from './simdKernels'
import { heapOffset } from './wasmInternals'

/**
 * Pooling gradients as one pass over the windows, channels innermost (NHWC), on the wasm heap.
 * tfjs-backend-wasm's versions recompute positions per output element (~20 ns per value, the slowest
 * kernels of a CNN step); its MaxPoolGrad also picks the last of equal maxima and starts from the
 * smallest positive float, so an all-zero window loses its gradient. These follow the `cpu` backend:
 * the first strict maximum wins; the average gradient is dy / (filter area).
 */

export function maxPoolGrad({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const wasm = backend as BackendWasm
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo }
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  )
  const dx = wasm.makeOutput(input.shape, 'float32')
  const x = wasm.typedArrayFromHeap(input) as Float32Array
  const grad = wasm.typedArrayFromHeap(dy) as Float32Array
  const out = wasm.typedArrayFromHeap(dx) as Float32Array
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info
  const { filterHeight, filterWidth, padInfo } = info
  // 2×2 windows at stride 2 that all lie inside the input (no padding reached): the common pooling.
  const pairs =
    filterHeight === 2 &&
    filterWidth === 2 &&
    strideHeight === 2 &&
    strideWidth === 2 &&
    padInfo.top === 0 &&
    padInfo.left === 0 &&
    2 * outHeight <= inHeight &&
    2 * outWidth <= inWidth
  const simd = pairs && c % 4 === 0 ? simdKernelsFor(wasm) : null
  if (simd !== null) {
    // The kernel writes every position a window covers; an odd last row or column is not covered.
    if (inHeight !== 2 * outHeight || inWidth !== 2 * outWidth) out.fill(0)
    const offset = (info: TensorInfo) => heapOffset(wasm, info)
    const rowBytes = inWidth * c * 4
    // Images stack into one run of window rows only when no odd row is left between them.
    const [calls, rowsPerCall] =
      inHeight === 2 * outHeight ? [1, batchSize * outHeight] : [batchSize, outHeight]
    const imageBytes = inHeight * rowBytes
    const dyImageBytes = outHeight * outWidth * c * 4
    for (let i = 0; i < calls; i++) {
      const at = (info: TensorInfo, bytes: number) => offset(info) + i * bytes
      simd.call('maxPoolGrad2x2', {
        x: at(input, imageBytes),
        dy: at(dy, dyImageBytes),
        out: at(dx, imageBytes),
        outRows: rowsPerCall,
        outWidth,
        channelBytes: c * 4,
        rowBytes,
      })
    }
    return dx
  }
  out.fill(0)
  if (pairs) {
    maxPoolGrad2x2(x, grad, out, batchSize, inHeight, inWidth, c, outHeight, outWidth)
    return dx
  }
  const best = new Float32Array(c)
  const bestAt = new Int32Array(c)
  let dyOffset = 0
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const rowStart = oh * strideHeight - padInfo.top
      const rowFrom = Math.max(0, rowStart)
      const rowTo = Math.min(inHeight, rowStart + filterHeight)
      for (let ow = 0; ow < outWidth; ow++, dyOffset += c) {
        const colStart = ow * strideWidth - padInfo.left
        const colFrom = Math.max(0, colStart)
        const colTo = Math.min(inWidth, colStart + filterWidth)
        best.fill(Number.NEGATIVE_INFINITY)
        bestAt.fill(-1)
        for (let r = rowFrom; r < rowTo; r++) {
          for (let col = colFrom; col < colTo; col++) {
            const base = ((n * inHeight + r) * inWidth + col) * c
            for (let ch = 0; ch < c; ch++) {
              const value = x[base + ch]!
              if (value > best[ch]!) {
                best[ch] = value
                bestAt[ch] = base + ch
              }
            }
          }
        }
        for (let ch = 0; ch < c; ch++) {
          const at = bestAt[ch]!
          if (at >= 0) out[at]! += grad[dyOffset + ch]!
        }
      }
    }
  }
  return dx
}

/** The common 2×2, stride-2, unpadded window: four reads, one write per window and channel. */
function maxPoolGrad2x2(
  x: Float32Array,
  grad: Float32Array,
  out: Float32Array,
  batchSize: number,
  inHeight: number,
  inWidth: number,
  c: number,
  outHeight: number,
  outWidth: number,
): void {
  const rowStride = inWidth * c
  let dyOffset = 0
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      let top = (n * inHeight + 2 * oh) * rowStride
      for (let ow = 0; ow < outWidth; ow++, top += 2 * c, dyOffset += c) {
        const bottom = top + rowStride
        for (let ch = 0; ch < c; ch++) {
          // Same order and strict comparison as the cpu backend: the first maximum wins.
          let at = -1
          let best = Number.NEGATIVE_INFINITY
          const a = x[top + ch]!
          if (a > best) {
            best = a
            at = top + ch
          }
          const b = x[top + c + ch]!
          if (b > best) {
            best = b
            at = top + c + ch
          }
          const d = x[bottom + ch]!
          if (d > best) {
            best = d
            at = bottom + ch
          }
          const e = x[bottom + c + ch]!
          if (e > best) at = bottom + c + ch
          if (at >= 0) out[at] = grad[dyOffset + ch]!
        }
      }
    }
  }
}

export function avgPoolGrad({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const wasm = backend as BackendWasm
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo }
  const { filterSize, strides, pad } = attrs as unknown as AvgPoolGradAttrs
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
  )
  const dx = wasm.makeOutput(input.shape, 'float32')
  const grad = wasm.typedArrayFromHeap(dy) as Float32Array
  const out = wasm.typedArrayFromHeap(dx) as Float32Array
  out.fill(0)
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info
  const { filterHeight, filterWidth, padInfo } = info
  const multiplier = 1 / (filterHeight * filterWidth)
  const scaled = new Float32Array(c)
  let dyOffset = 0
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const rowStart = oh * strideHeight - padInfo.top
      const rowFrom = Math.max(0, rowStart)
      const rowTo = Math.min(inHeight, rowStart + filterHeight)
      for (let ow = 0; ow < outWidth; ow++, dyOffset += c) {
        const colStart = ow * strideWidth - padInfo.left
        const colFrom = Math.max(0, colStart)
        const colTo = Math.min(inWidth, colStart + filterWidth)
        for (let ch = 0; ch < c; ch++) scaled[ch] = grad[dyOffset + ch]! * multiplier
        for (let r = rowFrom; r < rowTo; r++) {
          for (let col = colFrom; col < colTo; col++) {
            const base = ((n * inHeight + r) * inWidth + col) * c
            for (let ch = 0; ch < c; ch++) out[base + ch]! += scaled[ch]!
          }
        }
      }
    }
  }
  return dx
}
