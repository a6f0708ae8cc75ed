import type { KernelFunc } from '@tensorflow/tfjs-core'

/**
 * One of our webgpu kernels: in place of tfjs-backend-webgpu's own (`shipped`, for the inputs ours does
 * not take), or, with `ownOp`, the kernel of one of our ops (`ops/`), which tfjs has none of.
 */
export interface WebgpuKernel {
  kernelName: string
  /** True for a kernel of our own op: there is no shipped kernel, and `shipped` is never given. */
  ownOp?: true
  kernelFunc(args: Parameters<KernelFunc>[0], shipped: KernelFunc): ReturnType<KernelFunc>
}

/** A webgpu kernel for one of our ops. */
export function ownOpKernel(kernelName: string, kernelFunc: KernelFunc): WebgpuKernel {
  return { kernelName, ownOp: true, kernelFunc: (args) => kernelFunc(args) }
}
