import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { channelsFirstPadded } from './channelsFirstPadded'
import { callWasmKernel, dispose } from './kernelCall'
import { heapOffset, releaseView, viewInfo } from './wasmInternals'
import type { SimdKernels } from './simdKernels'

/**
 * The stride-1 filter gradient without im2col. Lay dy out on the padded input grid (zeros where no
 * output is) as G [N·Hp·Wp, Co], and x channels-first and padded as X [Ci, N·Hp·Wp]. Then for tap (a, b)
 *   dW[a, b] = X_(a,b) · G,   X_(a,b)[c, p] = X[c, p + a·Wp + b]
 * and X_(a,b) is X itself read from an offset: a view, not a copy (X ends with a zero margin for the
 * last taps' overrun; reads that wrap into a neighbouring row or image meet a zero of G). So kh·kw
 * XNNPACK products replace the kh·kw-fold patch matrix, at the price of also multiplying over the pad
 * positions (Hp·Wp / (Ho·Wo) of the work): cheaper for large feature maps (`filterGradientLimits`).
 */
export function filterGradientShifted(
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  backend: BackendWasm,
  kernels: SimdKernels,
): TensorInfo {
  const { batchSize: n, inChannels: ci, outChannels: co, filterHeight: kh, filterWidth: kw } = info
  const { outHeight: ho, outWidth: wo } = info
  const [height, width] = [ho + kh - 1, wo + kw - 1]
  const plane = n * height * width
  const image = channelsFirstPadded(
    x,
    info,
    { height, width, marginFloats: (kh - 1) * width + kw },
    backend,
    kernels,
  )
  const grid = backend.makeOutput([plane, co], 'float32')
  const gridValues = backend.typedArrayFromHeap(grid) as Float32Array
  const dyValues = backend.typedArrayFromHeap(dy) as Float32Array
  gridValues.fill(0)
  const rowFloats = wo * co
  for (let img = 0, from = 0; img < n; img++)
    for (let i = 0; i < ho; i++, from += rowFloats) {
      const to = (img * height + i) * width * co
      gridValues.set(dyValues.subarray(from, from + rowFloats), to)
    }

  const result = backend.makeOutput([kh, kw, ci, co], 'float32')
  const base = heapOffset(backend, image)
  for (let a = 0; a < kh; a++)
    for (let b = 0; b < kw; b++) {
      const window = viewInfo(backend, base + 4 * (a * width + b), [ci, plane])
      const tap = callWasmKernel(
        'BatchMatMul',
        { a: window, b: grid },
        { transposeA: false, transposeB: false },
        backend,
      )
      releaseView(backend, window)
      // Views after the product: it may have grown the heap.
      const target = backend.typedArrayFromHeap(result) as Float32Array
      target.set(backend.typedArrayFromHeap(tap) as Float32Array, (a * kw + b) * ci * co)
      dispose(backend, tap)
    }
  dispose(backend, image, grid)
  return result
}
