import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { runPanelKernel } from './panelKernelCall'
import type { SimdKernels } from './simdKernels'

/**
 * A forward NHWC convolution on our own multithreaded matrix product (`simd/convolutionPanels.ts`):
 * each thread takes a contiguous share of the output pixels, four at a time. For Ci % 4 = 0 and
 * Co % 8 = 0 at dilation 1 (`conv2dGemmFits`); the input gradient's phase convolutions come here too.
 */
export function conv2dGemm(
  x: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
  backend: BackendWasm,
  kernels: SimdKernels,
): TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info
  const { outHeight: ho, outWidth: wo, filterHeight: kh, filterWidth: kw } = info
  const { strideHeight: sh, strideWidth: sw } = info
  const { top, left } = info.padInfo
  const { group, chunk } = convolutionBlocking
  return runPanelKernel(backend, kernels, {
    name: 'convolutionPanels',
    inputs: { x, filter },
    outShape: [n, ho, wo, co],
    panels: Math.ceil((n * ho * wo) / 4),
    scratchFloats: () => group * kh * kw * ci * 4 + ci,
    shape: { n, h, w, ci, ho, wo, co, kh, kw, sh, sw, top, left, group, chunk },
  })
}

export function conv2dGemmFits(info: backend_util.Conv2DInfo): boolean {
  return (
    info.inChannels % 4 === 0 &&
    info.outChannels % 8 === 0 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.outHeight > 0 &&
    info.outWidth > 0
  )
}

/**
 * Panels (four output pixels each) that share each pass over W, and kernel rows per pass: a chunk's
 * W strip (chunk cache lines) and the group's panel chunks (group · chunk · 16 bytes) fit L1 together.
 * Mutable so tests can force several groups and chunks on small shapes.
 */
export const convolutionBlocking = { group: 16, chunk: 64 }
