import {
  getKernel,
  registerKernel,
  unregisterKernel,
  type KernelConfig,
  type KernelFunc,
} from '@tensorflow/tfjs-core'
import { webgpuKernels } from './kernels'

/** Our configs, made once (each around tfjs' kernel as first found) so a registered one is recognised. */
const ours = new Map<string, KernelConfig>()

/**
 * Registers our WGSL training kernels on the `webgpu` backend (backend/webgpu/kernels/<Kernel>.ts): our
 * own where tfjs-backend-webgpu's are slow or wrong, and those of our ops (batch norm, the SGD step, the
 * running averages), which otherwise run as chains of tfjs' elementwise programs. Idempotent. Kernels
 * live in tfjs' global registry by (name, backend), which `removeBackend` leaves alone, so they outlast a
 * backend removed and registered again; one that something else replaced is put back. Needs tfjs-backend-webgpu loaded (it registers
 * the kernels ours fall back to).
 */
export function registerWebgpuTrainingKernels(): readonly KernelConfig[] {
  return webgpuKernels.map((kernel) => {
    let config = ours.get(kernel.kernelName)
    if (config === undefined && kernel.ownOp === true) {
      const noShipped: KernelFunc = () => {
        throw new Error(`${kernel.kernelName} is our own op: tfjs has no kernel to fall back to`)
      }
      config = {
        kernelName: kernel.kernelName,
        backendName: 'webgpu',
        kernelFunc: (args) => kernel.kernelFunc(args, noShipped),
      }
      ours.set(kernel.kernelName, config)
    }
    if (config === undefined) {
      const original = getKernel(kernel.kernelName, 'webgpu')
      if (original === undefined)
        throw new Error(
          `@tensorflow/tfjs-backend-webgpu registers no "${kernel.kernelName}" kernel; is it loaded?`,
        )
      const shippedFunc = original.kernelFunc
      config = { ...original, kernelFunc: (args) => kernel.kernelFunc(args, shippedFunc) }
      ours.set(kernel.kernelName, config)
    }
    const registered = getKernel(kernel.kernelName, 'webgpu')
    if (registered?.kernelFunc !== config.kernelFunc) {
      if (registered !== undefined) unregisterKernel(kernel.kernelName, 'webgpu')
      registerKernel(config)
    }
    return config
  })
}
