import type { CastAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

/**
 * Identity, and Cast to the same dtype, share the input's memory (reference-counted, as Reshape on
 * wasm and Identity on `cpu` already do) instead of copying it: gradients pass through dozens of these
 * per step, each a full copy on the shipped kernels. Tensors are immutable, so sharing is safe.
 */
function share(x: TensorInfo, backend: BackendWasm): TensorInfo {
  backend.incRef(x.dataId)
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
}

export function createIdentityConfig(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] => {
    const { x } = args.inputs as { x: TensorInfo }
    return x.dtype === 'string' ? original.kernelFunc(args) : share(x, args.backend as BackendWasm)
  }
  return { ...original, kernelFunc }
}

/**
 * Cast: same dtype shares; to bool writes `x != 0` (the shipped kernel copies the numbers into the
 * byte buffer, so 3 stays 3 and −1 becomes 255); the other conversions go to the shipped kernel.
 */
export function createCastConfig(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] => {
    const wasm = args.backend as BackendWasm
    const { x } = args.inputs as { x: TensorInfo }
    const { dtype } = args.attrs as unknown as CastAttrs
    if (x.dtype === 'string' || dtype === 'string') return original.kernelFunc(args)
    if (dtype === x.dtype) return share(x, wasm)
    if (dtype !== 'bool') return original.kernelFunc(args)
    const out = wasm.makeOutput(x.shape, 'bool')
    const source = wasm.typedArrayFromHeap(x)
    const target = wasm.typedArrayFromHeap(out)
    for (let i = 0; i < source.length; i++) target[i] = source[i] !== 0 ? 1 : 0
    return out
  }
  return { ...original, kernelFunc }
}
