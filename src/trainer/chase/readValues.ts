import * as tf from '@tensorflow/tfjs-core'

/**
 * Computes a tensor in a tidy and downloads it, freeing the tensor. (A tidy that returns a big typed
 * array walks every element of it looking for tensors, so the download happens outside.)
 */
export function readValues(compute: () => tf.Tensor): Float32Array | Int32Array | Uint8Array {
  const tensor = tf.tidy(compute)
  const values = tensor.dataSync() as Float32Array | Int32Array | Uint8Array
  tensor.dispose()
  return values
}
