import * as tf from '@tensorflow/tfjs-core'
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { heapOffset } from './kernelCall'
import { simdKernelsFor } from './simdKernels'

/**
 * One SGD step of a parameter as one kernel: ChaseSgdUpdate(weight, grad, buffer) → [weight', buffer'].
 * tfjs' composite takes six elementwise kernels per parameter, and for the many small tensors of a
 * network (biases, BN scales) their fixed cost dominates the optimizer step. Same float32 arithmetic,
 * same order: results equal the composite's bit for bit.
 */
export const SgdUpdate = 'ChaseSgdUpdate'

export interface SgdUpdateAttrs {
  learningRate: number
  momentum: number
  weightDecay: number
}

/** Whether the fused kernel runs on the current backend. */
export function sgdUpdateRuns(): boolean {
  return (
    tf.getBackend() === 'wasm' &&
    tf.getKernel(SgdUpdate, 'wasm') !== undefined &&
    simdKernelsFor(tf.backend() as BackendWasm) !== null
  )
}

function sgdUpdate({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo[] {
  const wasm = backend as BackendWasm
  const { weight, grad, buffer } = inputs as Record<'weight' | 'grad' | 'buffer', TensorInfo>
  const { learningRate, momentum, weightDecay } = attrs as unknown as SgdUpdateAttrs
  const kernels = simdKernelsFor(wasm)
  if (kernels === null) throw new Error(`${SgdUpdate} needs the wasm SIMD kernels`)
  const nextWeight = wasm.makeOutput(weight.shape, 'float32')
  const nextBuffer = wasm.makeOutput(weight.shape, 'float32')
  kernels.sgdUpdate(
    heapOffset(wasm, weight),
    heapOffset(wasm, grad),
    heapOffset(wasm, buffer),
    heapOffset(wasm, nextWeight),
    heapOffset(wasm, nextBuffer),
    4 * tf.util.sizeFromShape(weight.shape),
    learningRate,
    momentum,
    weightDecay,
  )
  return [nextWeight, nextBuffer]
}

export const sgdUpdateConfig: KernelConfig = {
  kernelName: SgdUpdate,
  backendName: 'wasm',
  kernelFunc: sgdUpdate,
}
