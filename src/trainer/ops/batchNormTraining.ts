import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './customOp'

/**
 * Training-mode batch normalisation of NHWC `x` (+ the producing conv's `bias`, + a following ReLU):
 *   BatchNormTraining(x, gamma, beta, bias?) → [y, mean, variance, saved]
 *   BatchNormTrainingGrad(dy, x, gamma, beta, saved) → [dx, dγ, dβ, dbias]
 * where the backend has the kernels, tfjs' composite ops elsewhere. Both compute the same function;
 * tests hold them to the same values and gradients.
 */
export const batchNormTrainingOp = customOp<{ readonly channels: number }>('ChaseBatchNormTraining')
export const BatchNormTraining = batchNormTrainingOp.kernelName
export const BatchNormTrainingGrad = 'ChaseBatchNormTrainingGrad'

export interface BatchNormTrainingAttrs {
  epsilon: number
  relu: boolean
}

export interface BatchNormTrainingResult {
  /** The normalised activation, after the ReLU when one was folded in. */
  readonly y: tf.Tensor
  /** Batch mean of (x + bias) and biased variance, for the running statistics. */
  readonly mean: tf.Tensor1D
  readonly variance: tf.Tensor1D
}

/** Whether the fused kernels run for this many channels on the current backend. */
export const batchNormTrainingRuns = (channels: number): boolean => batchNormTrainingOp.runs({ channels })

export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  options: { bias: tf.Tensor | null; epsilon: number; relu: boolean },
): BatchNormTrainingResult {
  const { bias, epsilon, relu } = options
  if (batchNormTrainingRuns(x.shape[x.shape.length - 1]!)) {
    const inputs: tf.NamedTensorMap = bias === null ? { x, gamma, beta } : { x, gamma, beta, bias }
    const attrs: BatchNormTrainingAttrs = { epsilon, relu }
    const [y, mean, variance] = tf
      .engine()
      .runKernel(BatchNormTraining, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[]
    return { y: y!, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D }
  }
  const input = bias === null ? x : tf.add(x, bias)
  const { mean, variance } = tf.moments(
    input,
    input.shape.slice(0, -1).map((_, i) => i),
  )
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, epsilon)))
  const normalized = tf.add(tf.mul(tf.sub(input, mean), scale), beta)
  return {
    y: relu ? tf.relu(normalized) : normalized,
    mean: mean as tf.Tensor1D,
    variance: variance as tf.Tensor1D,
  }
}

tf.registerGradient({
  kernelName: BatchNormTraining,
  inputsToSave: ['x', 'gamma', 'beta'],
  outputsToSave: [false, false, false, true],
  gradFunc: (dys, saved, attrs) => {
    const [x, gamma, beta, stats] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]
    const dy = (dys as tf.Tensor[])[0]!
    const { relu } = attrs as unknown as BatchNormTrainingAttrs
    // All four at once: tfjs calls each input's function in its own tidy, so they are made here, in
    // the backward pass's scope, which disposes any that no input asks for.
    const [dx, dGamma, dBeta, dBias] = tf
      .engine()
      .runKernel(BatchNormTrainingGrad, { dy, x, gamma, beta, saved: stats }, { relu }) as tf.Tensor[]
    return { x: () => dx!, gamma: () => dGamma!, beta: () => dBeta!, bias: () => dBias! }
  },
})
