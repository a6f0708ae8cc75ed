import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './customOp'

/**
 * One SGD step of a parameter: SgdUpdate(weight, grad, buffer) → [weight', buffer'] with
 *   d = g + w·wd;  b' = b·μ + d;  w' = w − b'·lr
 * as one kernel where the backend has it, else tfjs' composite; the kernel keeps the composite's order,
 * so both give the same float32 values.
 */
export const sgdUpdateOp = customOp<void>('ChaseSgdUpdate')
export const SgdUpdate = sgdUpdateOp.kernelName

export interface SgdUpdateAttrs {
  learningRate: number
  momentum: number
  weightDecay: number
}

export const sgdUpdateRuns = (): boolean => sgdUpdateOp.runs()

/** The next weight and momentum buffer; `fused` is `sgdUpdateRuns()`, asked once per optimizer step. */
export function sgdUpdate(
  weight: tf.Tensor,
  grad: tf.Tensor,
  buffer: tf.Tensor,
  attrs: SgdUpdateAttrs,
  fused = sgdUpdateRuns(),
): { weight: tf.Tensor; buffer: tf.Tensor } {
  if (fused) {
    const [nextWeight, nextBuffer] = tf
      .engine()
      .runKernel(SgdUpdate, { weight, grad, buffer }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[]
    return { weight: nextWeight!, buffer: nextBuffer! }
  }
  const { learningRate, momentum, weightDecay } = attrs
  const decayed = weightDecay === 0 ? grad : tf.add(grad, tf.mul(weight, weightDecay))
  const nextBuffer = momentum === 0 ? decayed : tf.add(tf.mul(buffer, momentum), decayed)
  return { weight: tf.sub(weight, tf.mul(nextBuffer, learningRate)), buffer: nextBuffer }
}
