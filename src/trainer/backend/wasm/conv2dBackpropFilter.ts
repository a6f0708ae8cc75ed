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
import { simdKernelsFor, type SimdKernels } from './simdKernels'
import { callWasmKernel, dispose, reshapeInfo, sliceInfo, transposeInfo } from './kernelCall'

/**
 * The filter gradient, which tfjs-backend-wasm 4.22 lacks (tfjs #8474), as a matrix product on the
 * backend's XNNPACK kernel:
 *   dW[(a,b,ci), co] = Σ_k Pᵀ[(a,b,ci), k] · dy[k, co],   k = (n, i, j),
 *   Pᵀ[(a,b,ci), (n,i,j)] = x[n, s·i + a − top, s·j + b − left, ci]   (im2col, transposed)
 * dy is used as laid out (NHWC is already [k, co]), so only Pᵀ is built: copied row by row from x
 * transposed to [Ci, N, H, W] and zero-padded (each tap's row is then a read of one padded image row),
 * or gathered from NHWC directly when x has few channels. Against a convolution formulation (xᵀ
 * convolved with dyᵀ at dilation = stride) this avoids transposing dy and repacking a dy-sized filter,
 * which cost more than the product itself for a first layer. Images go in chunks that keep Pᵀ under
 * `filterGradientLimits.patchBudgetFloats`, the chunks' products summed.
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
  const { batchSize: n, inChannels: ci, outChannels: co, filterHeight: kh, filterWidth: kw } = info
  const { outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw } = info
  // Padded extent the windows reach; a trailing pad row or column no window touches is left out.
  const height = sh * (ho - 1) + kh
  const width = sw * (wo - 1) + kw

  // x transposed and padded, then copied a row at a time by our wasm kernel (block copies). Without it,
  // in JavaScript, few channels (a first layer) are gathered straight from NHWC instead.
  const kernels = simdKernelsFor(wasm)
  const gather = kernels === null && ci <= fewChannels
  const image = gather ? x : channelsFirstPadded(x, info, height, width, wasm)
  const rows = kh * kw * ci
  const perImage = ho * wo
  const chunk = Math.max(
    1,
    Math.min(n, Math.floor(filterGradientLimits.patchBudgetFloats / (rows * perImage))),
  )
  const gradient = reshapeInfo(dy, [n * perImage, co], wasm)
  let total: TensorInfo | null = null
  for (let first = 0; first < n; first += chunk) {
    const count = Math.min(chunk, n - first)
    const layout = { first, count, n, ci, height, width, kh, kw, sh, sw, ho, wo }
    const patches = gather
      ? im2colTransposedFromNhwc(image, layout, info, wasm)
      : im2colTransposed(image, layout, wasm, kernels)
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
  if (!gather) dispose(wasm, image)
  dispose(wasm, gradient)
  const result = reshapeInfo(total!, [kh, kw, ci, co], wasm)
  dispose(wasm, total!)
  return result
}

/** Largest Pᵀ built at once (32 MB); bigger batches go in chunks. Mutable so tests can force chunking. */
export const filterGradientLimits = { patchBudgetFloats: 8 * 1024 * 1024 }

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

/** Up to this many input channels, the JavaScript fallback gathers Pᵀ from NHWC (cheaper than transposing). */
const fewChannels = 4

/** x as [Ci, N, height, width]: transposed, zero-padded (or cropped) to the extent the windows reach. */
function channelsFirstPadded(
  x: TensorInfo,
  info: backend_util.Conv2DInfo,
  height: number,
  width: number,
  wasm: BackendWasm,
): TensorInfo {
  const { batchSize: n, inChannels: ci, inHeight, inWidth, padInfo } = info
  const padBottom = height - inHeight - padInfo.top
  const padRight = width - inWidth - padInfo.left
  const channelsFirst = transposeInfo(x, [3, 0, 1, 2], wasm)
  if (padInfo.top === 0 && padInfo.left === 0 && padBottom === 0 && padRight === 0) return channelsFirst
  // A negative bottom/right pad (input rows past the last window) is a crop.
  const cropped =
    padBottom < 0 || padRight < 0
      ? sliceInfo(
          channelsFirst,
          [0, 0, 0, 0],
          [ci, n, inHeight + Math.min(0, padBottom), inWidth + Math.min(0, padRight)],
          wasm,
        )
      : channelsFirst
  const paddings = [
    [0, 0],
    [0, 0],
    [padInfo.top, Math.max(0, padBottom)],
    [padInfo.left, Math.max(0, padRight)],
  ]
  const padded = callWasmKernel('PadV2', { x: cropped }, { paddings, constantValue: 0 }, wasm)
  if (cropped !== channelsFirst) dispose(wasm, cropped)
  dispose(wasm, channelsFirst)
  return padded
}

/** Pᵀ gathered from unpadded NHWC x, zeros where a window leaves the image. */
function im2colTransposedFromNhwc(
  x: TensorInfo,
  layout: Im2colLayout,
  info: backend_util.Conv2DInfo,
  backend: BackendWasm,
): TensorInfo {
  // Plain locals: V8 runs these loops about twice as fast as with the fields read from an object.
  const { first, count, ci, kh, kw, sh, sw, ho, wo } = layout
  const { inHeight, inWidth } = info
  const { top, left } = info.padInfo
  const patches = backend.makeOutput([kh * kw * ci, count * ho * wo], 'float32')
  const source = backend.typedArrayFromHeap(x) as Float32Array
  const target = backend.typedArrayFromHeap(patches) as Float32Array
  const step = sw * ci
  let to = 0
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      // Output columns j whose input column s·j + b − left lies inside the image.
      const jFrom = Math.min(wo, Math.max(0, Math.ceil((left - b) / sw)))
      const jTo = Math.max(jFrom, Math.min(wo, Math.floor((inWidth - 1 + left - b) / sw) + 1))
      for (let c = 0; c < ci; c++) {
        for (let img = first; img < first + count; img++) {
          for (let i = 0; i < ho; i++, to += wo) {
            const r = sh * i + a - top
            if (r < 0 || r >= inHeight) {
              target.fill(0, to, to + wo)
              continue
            }
            for (let j = 0; j < jFrom; j++) target[to + j] = 0
            let at = ((img * inHeight + r) * inWidth + sw * jFrom + b - left) * ci + c
            for (let j = jFrom; j < jTo; j++, at += step) target[to + j] = source[at]!
            for (let j = jTo; j < wo; j++) target[to + j] = 0
          }
        }
      }
    }
  }
  return patches
}

/** Pᵀ for images [first, first + count) of the padded [Ci, N, height, width] input: [kh·kw·Ci, count·Ho·Wo]. */
function im2colTransposed(
  image: TensorInfo,
  layout: Im2colLayout,
  backend: BackendWasm,
  kernels: SimdKernels | null,
): TensorInfo {
  // Plain locals: V8 runs these loops about twice as fast as with the fields read from an object.
  const { first, count, n, ci, height, width, kh, kw, sh, sw, ho, wo } = layout
  const patches = backend.makeOutput([kh * kw * ci, count * ho * wo], 'float32')
  if (kernels !== null) {
    const offset = (info: TensorInfo) => backend.dataIdMap.get(info.dataId)!.memoryOffset
    kernels.im2colTransposed(
      offset(image),
      offset(patches),
      n,
      ci,
      height,
      width,
      kh,
      kw,
      sh,
      sw,
      ho,
      wo,
      first,
      count,
    )
    return patches
  }
  // Views after the allocation: growing the heap replaces its buffer.
  const source = backend.typedArrayFromHeap(image) as Float32Array
  const target = backend.typedArrayFromHeap(patches) as Float32Array
  const plane = height * width
  const rowStep = sh * width
  let to = 0
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      for (let c = 0; c < ci; c++) {
        for (let img = first; img < first + count; img++) {
          let from = (c * n + img) * plane + a * width + b
          for (let i = 0; i < ho; i++, from += rowStep, to += wo) {
            if (sw === 1) for (let j = 0; j < wo; j++) target[to + j] = source[from + j]!
            else for (let j = 0, at = from; j < wo; j++, at += sw) target[to + j] = source[at]!
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
