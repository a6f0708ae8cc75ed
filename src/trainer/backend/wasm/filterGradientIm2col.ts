import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { channelsFirstPadded } from './channelsFirstPadded'
import { callWasmKernel, dispose, reshapeInfo, sliceInfo } from './kernelCall'
import { heapOffset } from './wasmInternals'
import type { SimdKernels } from './simdKernels'

/**
 * The filter gradient as a matrix product on the backend's XNNPACK kernel:
 *   dW[(a,b,ci), co] = Σ_k Pᵀ[(a,b,ci), k] · dy[k, co],   k = (n, i, j),
 *   Pᵀ[(a,b,ci), (n,i,j)] = x[n, s·i + a − top, s·j + b − left, ci]   (im2col, transposed)
 * dy is used as laid out (NHWC is already [k, co]), so only Pᵀ is built: copied row by row from x
 * transposed to [Ci, N, H, W] and zero-padded (each tap's row is then a read of one padded image row),
 * or gathered from NHWC directly when x has few channels and no SIMD kernels. Against a convolution
 * formulation (xᵀ convolved with dyᵀ at dilation = stride) this avoids transposing dy and repacking a
 * dy-sized filter. Images go in chunks that keep Pᵀ under `patchBudgetFloats`, the chunks' products summed.
 */
export function filterGradientIm2col(
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  backend: BackendWasm,
  kernels: SimdKernels | null,
  patchBudgetFloats: number,
): TensorInfo {
  const { batchSize: n, inChannels: ci, outChannels: co, filterHeight: kh, filterWidth: kw } = info
  const { outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw } = info
  // Padded extent the windows reach; a trailing pad row or column no window touches is left out.
  const height = sh * (ho - 1) + kh
  const width = sw * (wo - 1) + kw
  const gather = kernels === null && ci <= fewChannels
  const image = gather ? x : channelsFirstPadded(x, info, { height, width }, backend, kernels)
  const rows = kh * kw * ci
  const perImage = ho * wo
  const chunk = Math.max(1, Math.min(n, Math.floor(patchBudgetFloats / (rows * perImage))))
  const gradient = reshapeInfo(dy, [n * perImage, co], backend)
  let total: TensorInfo | null = null
  for (let first = 0; first < n; first += chunk) {
    const count = Math.min(chunk, n - first)
    const layout = { first, count, n, ci, height, width, kh, kw, sh, sw, ho, wo }
    const patches = gather
      ? im2colTransposedFromNhwc(image, layout, info, backend)
      : im2colTransposed(image, layout, backend, kernels)
    const dyChunk =
      count === n ? gradient : sliceInfo(gradient, [first * perImage, 0], [count * perImage, co], backend)
    const product = callWasmKernel(
      'BatchMatMul',
      { a: patches, b: dyChunk },
      { transposeA: false, transposeB: false },
      backend,
    )
    dispose(backend, patches)
    if (dyChunk !== gradient) dispose(backend, dyChunk)
    if (total === null) total = product
    else {
      const sum = callWasmKernel('Add', { a: total, b: product }, {}, backend)
      dispose(backend, total, product)
      total = sum
    }
  }
  if (!gather) dispose(backend, image)
  dispose(backend, gradient)
  const result = reshapeInfo(total!, [kh, kw, ci, co], backend)
  dispose(backend, total!)
  return result
}

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

/** Pᵀ gathered from unpadded NHWC x, zeros where a window leaves the image. */
function im2colTransposedFromNhwc(
  x: TensorInfo,
  layout: Im2colLayout,
  info: backend_util.Conv2DInfo,
  backend: BackendWasm,
): TensorInfo {
  // Plain locals: V8 runs these loops faster than with the fields read from an object (bench/kernels.ts).
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
  // Plain locals: V8 runs these loops faster than with the fields read from an object (bench/kernels.ts).
  const { first, count, n, ci, height, width, kh, kw, sh, sw, ho, wo } = layout
  const patches = backend.makeOutput([kh * kw * ci, count * ho * wo], 'float32')
  if (kernels !== null) {
    kernels.call('im2colTransposed', {
      src: heapOffset(backend, image),
      dst: heapOffset(backend, patches),
      ...{ n, ci, height, width, kh, kw, sh, sw, ho, wo, first, count },
    })
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
