import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './customOp'

/**
 * A BN running statistic's update, `running·(1 − m) + (batch·scale)·m` (scale = n/(n − 1) for the
 * variance, 1 for the mean), outside any gradient tape: one kernel where the backend has it, else
 * tfjs' composite, with the same float32 roundings.
 */
export const runningAverageOp = customOp<void>('ChaseRunningAverage')
export const RunningAverage = runningAverageOp.kernelName

export interface RunningAverageAttrs {
  momentum: number
  scale: number
}

export const runningAverageRuns = (): boolean => runningAverageOp.runs()

export function runningAverage(running: tf.Tensor, batch: tf.Tensor, attrs: RunningAverageAttrs): tf.Tensor {
  const { momentum, scale } = attrs
  if (runningAverageRuns())
    return tf
      .engine()
      .runKernel(RunningAverage, { running, batch }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor
  return tf.add(tf.mul(running, 1 - momentum), tf.mul(scale === 1 ? batch : tf.mul(batch, scale), momentum))
}
