import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { dispose, heapOffset } from './kernelCall'
import type { SimdKernels } from './simdKernels'
import { splitEvenly } from './splitEvenly'

/**
 * The filter gradient on our own matrix-product kernel (`simd/filterGradientPanels.ts`): x and dy are
 * read where they lie, each thread packs only its share of x's windows, block by block, and dy is
 * never copied. For Ci % 4 = 0 and Co % 8 = 0 (`filterGradientGemmFits`).
 */
export function filterGradientGemm(
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  backend: BackendWasm,
  kernels: SimdKernels,
): TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info
  const { outHeight: ho, outWidth: wo, filterHeight: kh, filterWidth: kw } = info
  const panels = (kh * kw * ci) / 4
  const blockImages = Math.max(1, Math.min(n, Math.floor(gemmBlockPixels / (ho * wo))))
  const shares = splitEvenly(panels, kernels.threads.count)
  const widest = Math.max(...shares.map(([from, to]) => to - from))
  const scratchFloats = widest * blockImages * ho * wo * 4
  const result = backend.makeOutput([kh, kw, ci, co], 'float32')
  const scratch = backend.makeOutput([shares.length * scratchFloats], 'float32')
  // Offsets after every allocation: they are stable, unlike views of a heap that may have grown.
  const at = { x: heapOffset(backend, x), dy: heapOffset(backend, dy), out: heapOffset(backend, result) }
  const scratchAt = heapOffset(backend, scratch)
  const { strideHeight: sh, strideWidth: sw } = info
  const { top, left } = info.padInfo
  kernels.threads.run(
    'filterGradientPanels',
    shares.map(([from, to], t) => [
      at.x,
      at.dy,
      at.out,
      scratchAt + t * scratchFloats * 4,
      ...[n, h, w, ci, ho, wo, co, kw, sh, sw, top, left, blockImages, from, to],
    ]),
  )
  dispose(backend, scratch)
  return result
}

export function filterGradientGemmFits(info: backend_util.Conv2DInfo): boolean {
  return info.inChannels % 4 === 0 && info.outChannels % 8 === 0
}

/**
 * Pixels (images × Ho·Wo) per block: the block's dy rows (pixels·Co floats) are read once per panel
 * and its packed windows once per 8 output channels, so both should stay in the core's L2.
 */
export const gemmBlockPixels = 256
