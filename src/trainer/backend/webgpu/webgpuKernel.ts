import type { KernelFunc } from '@tensorflow/tfjs-core'

/** One of our webgpu kernels: `shipped` is tfjs-backend-webgpu's own, for the inputs ours does not take. */
export interface WebgpuKernel {
  kernelName: string
  kernelFunc(args: Parameters<KernelFunc>[0], shipped: KernelFunc): ReturnType<KernelFunc>
}
