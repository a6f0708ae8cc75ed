import * as tf from '@tensorflow/tfjs-core'
import type { MaskedTensor } from '../../shared/chase/maskLayout'

/**
 * The alive region of a maskable tensor (chase-spec.md §0): 1 where both its output channel (as a
 * producer) and its input channel (as a consumer) are alive, as a 0/1 float tensor of the weight's
 * shape; null when no group cuts into the tensor. A consumer reading a flattened map repeats the
 * group's vector once per position (NHWC flatten: channel fastest). Call inside tf.tidy.
 */
export function aliveRegion(
  layout: MaskedTensor,
  outAlive: ArrayLike<number> | null,
  inAlive: ArrayLike<number> | null,
): tf.Tensor | null {
  if (!outAlive && !inAlive) return null
  const rank = layout.shape.length
  const along = (values: ArrayLike<number>, axis: number, repeat: number): tf.Tensor => {
    let vector: tf.Tensor = tf.tensor1d(Float32Array.from(values))
    if (repeat > 1) vector = tf.tile(vector, [repeat])
    const shape = new Array<number>(rank).fill(1)
    shape[axis] = vector.size
    return tf.reshape(vector, shape)
  }
  let region: tf.Tensor = tf.ones(new Array<number>(rank).fill(1))
  if (outAlive) region = tf.mul(region, along(outAlive, layout.outAxis, 1))
  if (inAlive) region = tf.mul(region, along(inAlive, layout.inAxis, layout.inRepeat))
  return tf.broadcastTo(region, [...layout.shape])
}
