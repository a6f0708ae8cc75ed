import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { callWasmKernel, dispose, sliceInfo, transposeInfo } from './kernelCall'
import { heapOffset } from './wasmInternals'
import type { SimdKernels } from './simdKernels'

/**
 * NHWC x as [Ci, N, height, width], zero-padded by the convolution's top/left padding and cut or
 * padded at the bottom/right to the extent its windows reach, plus `marginFloats` zeros at the end
 * (returned flat when a margin is asked for). With our SIMD kernels it is one pass of 4×4 register
 * transposes into a zeroed buffer; without them, tfjs' Transpose and PadV2 (no margin).
 */
export function channelsFirstPadded(
  x: TensorInfo,
  info: backend_util.Conv2DInfo,
  extent: { height: number; width: number; marginFloats?: number },
  backend: BackendWasm,
  kernels: SimdKernels | null,
): TensorInfo {
  const { batchSize: n, inChannels: ci, inHeight, inWidth, padInfo } = info
  const { height, width, marginFloats = 0 } = extent
  const rows = Math.min(inHeight, height - padInfo.top)
  const cols = Math.min(inWidth, width - padInfo.left)
  if (kernels !== null) {
    const plane = n * height * width
    const out = backend.makeOutput(
      marginFloats > 0 ? [ci * plane + marginFloats] : [ci, n, height, width],
      'float32',
    )
    ;(backend.typedArrayFromHeap(out) as Float32Array).fill(0)
    const [source, target] = [heapOffset(backend, x), heapOffset(backend, out)]
    // Per image: `rows` blocks of [cols pixels × Ci] → [Ci × cols] at channel stride `plane`.
    for (let image = 0; image < n; image++) {
      kernels.call('transposeBlocks', {
        src: source + 4 * image * inHeight * inWidth * ci,
        dst: target + 4 * ((image * height + padInfo.top) * width + padInfo.left),
        rows: cols,
        cols: ci,
        srcRowBytes: 4 * ci,
        dstRowBytes: 4 * plane,
        count: rows,
        srcStep: 4 * inWidth * ci,
        dstStep: 4 * width,
      })
    }
    return out
  }
  if (marginFloats > 0) throw new Error('channelsFirstPadded: a margin needs the SIMD kernels')
  const padBottom = height - inHeight - padInfo.top
  const padRight = width - inWidth - padInfo.left
  const channelsFirst = transposeInfo(x, [3, 0, 1, 2], backend)
  if (padInfo.top === 0 && padInfo.left === 0 && padBottom === 0 && padRight === 0) return channelsFirst
  // A negative bottom/right pad (input rows past the last window) is a crop.
  const cropped =
    rows < inHeight || cols < inWidth
      ? sliceInfo(channelsFirst, [0, 0, 0, 0], [ci, n, rows, cols], backend)
      : channelsFirst
  const paddings = [
    [0, 0],
    [0, 0],
    [padInfo.top, Math.max(0, padBottom)],
    [padInfo.left, Math.max(0, padRight)],
  ]
  const padded = callWasmKernel('PadV2', { x: cropped }, { paddings, constantValue: 0 }, backend)
  if (cropped !== channelsFirst) dispose(backend, cropped)
  dispose(backend, channelsFirst)
  return padded
}
