import {
  BatchMatMul,
  util,
  type BatchMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { dispose, transposeInfo } from '../kernelCall'
import type { WasmKernel } from '../wasmKernel'

/**
 * tfjs-backend-wasm runs a matmul on XNNPACK only when neither operand is transposed; otherwise it
 * falls back to a scalar triple loop. Dense-layer gradients are exactly the transposed cases
 * (dA = dy·Bᵀ, dB = Aᵀ·dy), so an unbatched transposed operand is transposed explicitly (one copy)
 * and the product goes to the fast path.
 */
export function createBatchMatMulConfig(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] => {
    const wasm = args.backend as BackendWasm
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo }
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs
    const unbatched =
      util.sizeFromShape(a.shape.slice(0, -2)) === 1 && util.sizeFromShape(b.shape.slice(0, -2)) === 1
    if ((!transposeA && !transposeB) || !unbatched || a.dtype !== 'float32' || b.dtype !== 'float32') {
      return original.kernelFunc(args)
    }
    const swapLast = (x: TensorInfo): TensorInfo => {
      const perm = x.shape.map((_, i) => i)
      const rank = perm.length
      ;[perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!]
      return transposeInfo(x, perm, wasm)
    }
    const left = transposeA ? swapLast(a) : a
    const right = transposeB ? swapLast(b) : b
    const result = original.kernelFunc({
      inputs: { a: left, b: right },
      backend: wasm,
      attrs: { transposeA: false, transposeB: false },
    })
    if (left !== a) dispose(wasm, left)
    if (right !== b) dispose(wasm, right)
    return result
  }
  return { ...original, kernelFunc }
}

export const kernel: WasmKernel = {
  kernelName: BatchMatMul,
  config: (shipped) => createBatchMatMulConfig(shipped(BatchMatMul)),
}
