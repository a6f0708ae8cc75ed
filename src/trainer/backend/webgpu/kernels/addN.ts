import * as tf from '@tensorflow/tfjs-core'

interface WebgpuBackendLike extends tf.KernelBackend {
  readonly device: { readonly limits: { readonly maxStorageBuffersPerShaderStage: number } }
}

/**
 * AddN that fits the device: tfjs-backend-webgpu binds every input of an AddN in one shader, and a sum
 * of more tensors than the device's storage-buffer limit (8 by default) fails validation; the sparse
 * engine sums one count per masked tensor (ResNet-50 has 54). Sums groups that fit, then the partial
 * sums, through tfjs' own kernel; addition order within float32 is the only difference, and the
 * engine's sums are of int32 counts.
 */
export function chunkedAddN(original: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const tensors = Object.values(inputs) as tf.TensorInfo[]
    const limit = (backend as WebgpuBackendLike).device.limits.maxStorageBuffersPerShaderStage
    // One binding is the output.
    const perShader = Math.max(2, limit - 1)
    if (tensors.length <= perShader) return original({ inputs, backend, attrs })
    let level = tensors
    const made: tf.TensorInfo[] = []
    while (level.length > perShader) {
      const next: tf.TensorInfo[] = []
      for (let i = 0; i < level.length; i += perShader) {
        const group = level.slice(i, i + perShader)
        if (group.length === 1) {
          next.push(group[0]!)
          continue
        }
        const sum = original({ inputs: asInputs(group), backend, attrs }) as tf.TensorInfo
        made.push(sum)
        next.push(sum)
      }
      level = next
    }
    const result = original({ inputs: asInputs(level), backend, attrs }) as tf.TensorInfo
    for (const info of made) backend.disposeData(info.dataId)
    return result
  }
}

/** AddN's inputs are an array (the kernel maps over them), typed as a named map. */
function asInputs(tensors: tf.TensorInfo[]): tf.NamedTensorInfoMap {
  return tensors as unknown as tf.NamedTensorInfoMap
}

let original: tf.KernelConfig | undefined

/** Replaces the webgpu AddN with the chunked one (once; the original is kept for the groups). */
export function registerChunkedAddN(): void {
  if (original !== undefined) return
  original = tf.getKernel('AddN', 'webgpu')
  if (original === undefined) throw new Error('tfjs-backend-webgpu registered no AddN kernel')
  tf.unregisterKernel('AddN', 'webgpu')
  tf.registerKernel({
    kernelName: 'AddN',
    backendName: 'webgpu',
    kernelFunc: chunkedAddN(original.kernelFunc),
  })
}
