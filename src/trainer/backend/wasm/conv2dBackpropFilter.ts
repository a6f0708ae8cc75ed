import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { explicitPadding } from './conv2d'
import { callWasmKernel, dispose, reshapeInfo, sliceInfo, transposeInfo } from './kernelCall'

/**
 * The filter gradient, which tfjs-backend-wasm 4.22 lacks (tfjs #8474), as a matrix product on the
 * backend's XNNPACK kernel:
 *   dW[(a,b,ci), co] = Σ_k Pᵀ[(a,b,ci), k] · dy[k, co],   k = (n, i, j),
 *   Pᵀ[(a,b,ci), (n,i,j)] = x[n, s·i + a − top, s·j + b − left, ci]   (im2col, transposed)
 * dy is used as laid out (NHWC is already [k, co]); Pᵀ is copied row by row from x transposed to
 * [Ci, N, H, W] and zero-padded, so every tap's row is a strided read of one padded image row. Images
 * go in chunks that keep Pᵀ under `patchBudgetFloats`, the chunks' products summed.
 */
function conv2dBackpropFilter({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const wasm = backend as BackendWasm
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo }
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as Conv2DBackpropFilterAttrs
  if (dataFormat !== 'NHWC')
    throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, got ${dataFormat}`)
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    explicitPadding(pad),
    dimRoundingMode,
    false,
    'channelsLast',
  )
  const { batchSize: n, inChannels: ci, outChannels: co, filterHeight: kh, filterWidth: kw, padInfo } = info
  const { outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw } = info
  // Padded extent the windows reach; a trailing pad row or column no window touches is left out.
  const height = sh * (ho - 1) + kh
  const width = sw * (wo - 1) + kw
  const padBottom = height - info.inHeight - padInfo.top
  const padRight = width - info.inWidth - padInfo.left

  const channelsFirst = transposeInfo(x, [3, 0, 1, 2], wasm)
  let image = channelsFirst
  if (padInfo.top > 0 || padInfo.left > 0 || padBottom !== 0 || padRight !== 0) {
    // A negative bottom/right pad (input rows past the last window) is a crop.
    const cropped =
      padBottom < 0 || padRight < 0
        ? sliceInfo(
            channelsFirst,
            [0, 0, 0, 0],
            [ci, n, info.inHeight + Math.min(0, padBottom), info.inWidth + Math.min(0, padRight)],
            wasm,
          )
        : channelsFirst
    image = callWasmKernel(
      'PadV2',
      { x: cropped },
      {
        paddings: [
          [0, 0],
          [0, 0],
          [padInfo.top, Math.max(0, padBottom)],
          [padInfo.left, Math.max(0, padRight)],
        ],
        constantValue: 0,
      },
      wasm,
    )
    if (cropped !== channelsFirst) dispose(wasm, cropped)
    dispose(wasm, channelsFirst)
  }

  const rows = kh * kw * ci
  const perImage = ho * wo
  const chunk = Math.max(1, Math.min(n, Math.floor(patchBudgetFloats / (rows * perImage))))
  const gradient = reshapeInfo(dy, [n * perImage, co], wasm)
  let total: TensorInfo | null = null
  for (let first = 0; first < n; first += chunk) {
    const count = Math.min(chunk, n - first)
    const patches = im2colTransposed(
      image,
      { first, count, n, ci, height, width, kh, kw, sh, sw, ho, wo },
      wasm,
    )
    const dyChunk =
      count === n ? gradient : sliceInfo(gradient, [first * perImage, 0], [count * perImage, co], wasm)
    const product = callWasmKernel(
      'BatchMatMul',
      { a: patches, b: dyChunk },
      { transposeA: false, transposeB: false },
      wasm,
    )
    dispose(wasm, patches)
    if (dyChunk !== gradient) dispose(wasm, dyChunk)
    if (total === null) total = product
    else {
      const sum = callWasmKernel('Add', { a: total, b: product }, {}, wasm)
      dispose(wasm, total, product)
      total = sum
    }
  }
  dispose(wasm, image, gradient)
  const result = reshapeInfo(total!, [kh, kw, ci, co], wasm)
  dispose(wasm, total!)
  return result
}

/** Largest Pᵀ built at once (32 MB); bigger batches go in chunks. */
const patchBudgetFloats = 8 * 1024 * 1024

interface Im2colLayout {
  first: number
  count: number
  n: number
  ci: number
  /** Padded input extent. */
  height: number
  width: number
  kh: number
  kw: number
  sh: number
  sw: number
  ho: number
  wo: number
}

/** Pᵀ for images [first, first + count) of the padded [Ci, N, height, width] input: [kh·kw·Ci, count·Ho·Wo]. */
function im2colTransposed(image: TensorInfo, l: Im2colLayout, backend: BackendWasm): TensorInfo {
  const columns = l.count * l.ho * l.wo
  const patches = backend.makeOutput([l.kh * l.kw * l.ci, columns], 'float32')
  // Views after the allocation: growing the heap replaces its buffer.
  const source = backend.typedArrayFromHeap(image) as Float32Array
  const target = backend.typedArrayFromHeap(patches) as Float32Array
  const plane = l.height * l.width
  let to = 0
  for (let a = 0; a < l.kh; a++) {
    for (let b = 0; b < l.kw; b++) {
      for (let c = 0; c < l.ci; c++) {
        for (let img = l.first; img < l.first + l.count; img++) {
          let from = (c * l.n + img) * plane + a * l.width + b
          for (let i = 0; i < l.ho; i++, from += l.sh * l.width) {
            if (l.sw === 1) {
              for (let j = 0; j < l.wo; j++) target[to++] = source[from + j]!
            } else {
              for (let j = 0, at = from; j < l.wo; j++, at += l.sw) target[to++] = source[at]!
            }
          }
        }
      }
    }
  }
  return patches
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
}
