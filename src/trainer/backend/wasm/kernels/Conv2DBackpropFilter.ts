import {
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { gradientConvInfo } from '../conv2d'
import { filterGradientGemm, filterGradientGemmFits } from '../filterGradientGemm'
import { filterGradientIm2col } from '../filterGradientIm2col'
import { filterGradientShifted } from '../filterGradientShifted'
import { simdKernelsFor } from '../simdKernels'
import { ownKernel } from '../wasmKernel'

/**
 * The filter gradient, which tfjs-backend-wasm 4.22 lacks (tfjs #8474). Where the channels fit
 * (Ci % 4 = 0, Co % 8 = 0), our own multithreaded matrix product (`filterGradientGemm`: 1.3–2.4× the
 * XNNPACK paths on the VGG layers, which pack dy on one thread every call). Otherwise XNNPACK matrix
 * products: on shifted views of the padded input for stride-1 convolutions over large feature maps
 * (`filterGradientShifted`), through an im2col patch matrix elsewhere (`filterGradientIm2col`).
 */
function conv2dBackpropFilter({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const wasm = backend as BackendWasm
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo }
  const attributes = attrs as unknown as Conv2DBackpropFilterAttrs
  const info = gradientConvInfo(
    Conv2DBackpropFilter,
    x.shape as [number, number, number, number],
    attributes.filterShape,
    attributes,
  )
  const kernels = simdKernelsFor(wasm)
  const { outHeight: ho, outWidth: wo, filterHeight: kh, filterWidth: kw } = info
  // The shifted views multiply over the whole padded grid: worth it while the pad border is thin.
  const grid = info.batchSize * (ho + kh - 1) * (wo + kw - 1)
  const limits = filterGradientLimits
  if (kernels !== null && limits.gemm && filterGradientGemmFits(info))
    return filterGradientGemm(x, dy, info, wasm, kernels)
  if (
    kernels !== null &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.inChannels >= limits.shiftedMinChannels &&
    grid / (info.batchSize * ho * wo) <= limits.shiftedGridOverhead &&
    grid * (info.inChannels + info.outChannels) <= limits.shiftedBudgetFloats
  )
    return filterGradientShifted(x, dy, info, wasm, kernels)
  return filterGradientIm2col(x, dy, info, wasm, kernels, filterGradientLimits.patchBudgetFloats)
}

/**
 * Mutable so tests can force any path or chunking. `gemm`: our matrix product where it fits. The shifted-view path is taken when the padded
 * grid adds at most `shiftedGridOverhead` of work (1.3: 3×3 convolutions on maps of about 14×14 and
 * larger, where `bench/kernels.ts` measures it ahead of im2col) and x has at least `shiftedMinChannels` channels (its
 * products have Ci rows: a first layer's 3 make them slow), and its padded input and gradient grid fit
 * `shiftedBudgetFloats` (256 MB; larger ones go through im2col, which works in chunks).
 * `patchBudgetFloats`: the largest Pᵀ the im2col path builds at once (32 MB).
 */
export const filterGradientLimits = {
  gemm: true,
  shiftedGridOverhead: 1.3,
  shiftedMinChannels: 8,
  shiftedBudgetFloats: 64 * 1024 * 1024,
  patchBudgetFloats: 8 * 1024 * 1024,
}

export const kernel = ownKernel(Conv2DBackpropFilter, conv2dBackpropFilter)
