import * as tf from '@tensorflow/tfjs-core'
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { SgdUpdate, type SgdUpdateAttrs } from '../../../ops/sgdUpdate'
import { heapOffset } from '../wasmInternals'
import { simdKernelsFor } from '../simdKernels'
import { ownKernel } from '../wasmKernel'

/**
 * One SGD step of a parameter as one kernel: ChaseSgdUpdate(weight, grad, buffer) → [weight', buffer'].
 * tfjs' composite takes six elementwise kernels per parameter, and for the many small tensors of a
 * network (biases, BN scales) their fixed cost dominates the optimizer step. Same float32 arithmetic,
 * same order: results equal the composite's bit for bit.
 */
/** The kernel runs where the SIMD kernels are reachable. */
export const sgdUpdateAccepts = (): boolean => simdKernelsFor(tf.backend() as BackendWasm) !== null

function sgdUpdate({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo[] {
  const wasm = backend as BackendWasm
  const { weight, grad, buffer } = inputs as Record<'weight' | 'grad' | 'buffer', TensorInfo>
  const { learningRate, momentum, weightDecay } = attrs as unknown as SgdUpdateAttrs
  const kernels = simdKernelsFor(wasm)
  if (kernels === null) throw new Error(`${SgdUpdate} needs the wasm SIMD kernels`)
  const nextWeight = wasm.makeOutput(weight.shape, 'float32')
  const nextBuffer = wasm.makeOutput(weight.shape, 'float32')
  kernels.call('sgdUpdate', {
    w: heapOffset(wasm, weight),
    g: heapOffset(wasm, grad),
    buffer: heapOffset(wasm, buffer),
    wOut: heapOffset(wasm, nextWeight),
    bufferOut: heapOffset(wasm, nextBuffer),
    bytes: 4 * tf.util.sizeFromShape(weight.shape),
    ...{ learningRate, momentum, weightDecay },
  })
  return [nextWeight, nextBuffer]
}

export const kernel = ownKernel(SgdUpdate, sgdUpdate)
