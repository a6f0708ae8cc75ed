import * as tf from '@tensorflow/tfjs-core'

/**
 * Computes a tensor in a tidy and downloads it, freeing the tensor. Asynchronous because webgpu in Node
 * has no synchronous read (tfjs-backend-webgpu's `dataSync` needs an OffscreenCanvas); on cpu and wasm
 * the promise is already settled. (A tidy that returns a big typed array walks every element of it
 * looking for tensors, so the download happens outside.)
 */
export async function readValues(compute: () => tf.Tensor): Promise<Float32Array | Int32Array | Uint8Array> {
  const tensor = tf.tidy(compute)
  try {
    return (await tensor.data()) as Float32Array | Int32Array | Uint8Array
  } finally {
    tensor.dispose()
  }
}
