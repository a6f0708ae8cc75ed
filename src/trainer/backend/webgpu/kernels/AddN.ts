import type { KernelBackend, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core'
import type { WebgpuKernel } from '../webgpuKernel'

interface DeviceLimits {
  readonly device: { readonly limits: { readonly maxStorageBuffersPerShaderStage: number } }
}

/** AddN's inputs are an array (tfjs' kernel maps over them), typed as a named map. */
const asInputs = (tensors: TensorInfo[]): NamedTensorInfoMap => tensors as unknown as NamedTensorInfoMap

/**
 * AddN that fits the device: tfjs-backend-webgpu binds every input of an AddN in one shader, and a sum of
 * more tensors than the device's storage-buffer limit (8 by default) fails validation; the sparse engine
 * sums one count per masked tensor (ResNet-50 has 54). Sums groups that fit through tfjs' kernel, then
 * the partial sums; only the order of float32 additions changes (the engine's sums are int32 counts).
 */
export const kernel: WebgpuKernel = {
  kernelName: 'AddN',
  kernelFunc({ inputs, backend, attrs }, shipped: KernelFunc) {
    const tensors = Object.values(inputs) as TensorInfo[]
    // One binding is the output.
    const perShader = Math.max(
      2,
      (backend as unknown as DeviceLimits).device.limits.maxStorageBuffersPerShaderStage - 1,
    )
    if (tensors.length <= perShader) return shipped({ inputs, backend, attrs })
    let level = tensors
    const partials: TensorInfo[] = []
    while (level.length > perShader) {
      const next: TensorInfo[] = []
      for (let i = 0; i < level.length; i += perShader) {
        const group = level.slice(i, i + perShader)
        if (group.length === 1) {
          next.push(group[0]!)
          continue
        }
        const sum = shipped({ inputs: asInputs(group), backend, attrs }) as TensorInfo
        partials.push(sum)
        next.push(sum)
      }
      level = next
    }
    const result = shipped({ inputs: asInputs(level), backend, attrs }) as TensorInfo
    for (const partial of partials) (backend as KernelBackend).disposeData(partial.dataId)
    return result
  },
}
