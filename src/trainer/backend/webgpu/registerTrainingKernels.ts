import { registerChunkedAddN } from './kernels/addN'

/**
 * Registers our WGSL training kernels on the `webgpu` backend (backend/webgpu/kernels/<Kernel>.ts):
 * the custom ops' kernels, and our own where tfjs-backend-webgpu's are missing or slow. Idempotent.
 */
let registered = false

export function registerWebgpuTrainingKernels(): void {
  if (registered) return
  registered = true
  registerChunkedAddN()
}
