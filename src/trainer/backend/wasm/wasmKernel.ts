import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core'

/** How our kernels run; every option defaults to on, what training uses. */
export interface WasmKernelOptions {
  /** Conv2D on our matrix product where the channels fit; false sends every Conv2D to XNNPACK. */
  readonly ownConv2d?: boolean
  /** Our SIMD kernels; false sends every caller to its JavaScript fallback (tests check those paths). */
  readonly simdKernels?: boolean
  /** Fused multiply-add where the engine validates relaxed SIMD; false builds them with mul + add. */
  readonly relaxedSimd?: boolean
}

/**
 * One kernel we register on wasm: each file in `kernels/` exports one as `kernel`, named after the file
 * (`kernels/Conv2D.ts` registers `Conv2D`); `kernels/index.ts` lists them all.
 */
export interface WasmKernel {
  readonly kernelName: string
  /** The config to register; `shipped(name)` is tfjs' own kernel, to which a wrapper hands the rest. */
  config(shipped: (name: string) => KernelConfig, options: Required<WasmKernelOptions>): KernelConfig
}

/** A kernel that is ours outright (no shipped kernel behind it). */
export function ownKernel(kernelName: string, kernelFunc: KernelFunc): WasmKernel {
  return { kernelName, config: () => ({ kernelName, backendName: 'wasm', kernelFunc }) }
}
