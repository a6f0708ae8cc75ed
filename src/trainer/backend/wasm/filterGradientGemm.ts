import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { callWasmKernel, dispose, sliceInfo } from './kernelCall'
import { runPanelKernel } from './panelKernelCall'
import type { SimdKernels } from './simdKernels'

/**
 * The filter gradient on our own matrix-product kernel (`simd/filterGradientPanels.ts`): x and dy are
 * read where they lie, each thread packs only its share of x's windows, block by block, and dy is
 * never copied. For Co % 8 = 0 and Ci % 4 = 0, or Ci padded with zero channels (`filterGradientGemmFits`).
 */
export function filterGradientGemm(
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  backend: BackendWasm,
  kernels: SimdKernels,
): TensorInfo {
  const { inChannels: ci, outChannels: co, filterHeight: kh, filterWidth: kw } = info
  if (ci % 4 !== 0) {
    // Zero channels up to a multiple of 4 (an RGB input's 3 become 4), then the gradient's real rows.
    const wider = paddedChannels(ci)
    const paddings = [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, wider - ci],
    ]
    const padded = callWasmKernel('PadV2', { x }, { paddings, constantValue: 0 }, backend)
    const wide = filterGradientGemm(padded, dy, { ...info, inChannels: wider }, backend, kernels)
    const result = sliceInfo(wide, [0, 0, 0, 0], [kh, kw, ci, co], backend)
    dispose(backend, padded, wide)
    return result
  }
  return filterGradientPanelsOf(x, dy, info, backend, kernels)
}

function filterGradientPanelsOf(
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  backend: BackendWasm,
  kernels: SimdKernels,
): TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info
  const { outHeight: ho, outWidth: wo, filterHeight: kh, filterWidth: kw } = info
  const { strideHeight: sh, strideWidth: sw } = info
  const { top, left } = info.padInfo
  const blockImages = Math.max(1, Math.min(n, Math.floor(gemmBlockPixels / (ho * wo))))
  return runPanelKernel(backend, kernels, {
    name: 'filterGradientPanels',
    inputs: { x, dy },
    outShape: [kh, kw, ci, co],
    panels: (kh * kw * ci) / 4,
    scratchFloats: (widest) => widest * blockImages * ho * wo * 4,
    shape: { n, h, w, ci, ho, wo, co, kw, sh, sw, top, left, blockImages },
  })
}

/**
 * Co % 8 = 0, and Ci a multiple of 4 or close enough to one that the zero channels cost at most half
 * again the work (3 → 4 for RGB inputs; not 1 → 4 or 2 → 4, where XNNPACK's im2col path is cheaper).
 */
export function filterGradientGemmFits(info: backend_util.Conv2DInfo): boolean {
  return info.outChannels % 8 === 0 && paddedChannels(info.inChannels) <= 1.5 * info.inChannels
}

const paddedChannels = (channels: number): number => 4 * Math.ceil(channels / 4)

/**
 * Pixels (images × Ho·Wo) per block: the block's dy rows (pixels·Co floats) are read once per panel
 * and its packed windows once per 8 output channels, so both should stay in the core's L2.
 */
export const gemmBlockPixels = 256
