// Gradient functions: tfjs-core's Node bundle registers none; tfjs-layers registers them all. Importing
// it here also orders its registration before ours, so ours are the ones that stay.
import '@tensorflow/tfjs-layers'
import * as tf from '@tensorflow/tfjs-core'

/**
 * Gradients of Sum and Mean that broadcast dy instead of multiplying it by `ones(x.shape)`. tfjs builds
 * that `ones` tensor in JavaScript and copies it into the backend on every call: for the batch-norm
 * moments and the global average pool that is several 8 MB arrays per step, a third of a wasm step's
 * JavaScript time plus the garbage collection after it. Same values on every backend; on wasm the
 * broadcast is our block-copy Tile.
 */
function keptDimsShape(x: tf.Tensor, axis: number | number[]): number[] {
  const axes = tf.util.parseAxisParam(axis, x.shape)
  return x.shape.map((size, i) => (axes.includes(i) ? 1 : size))
}

export const sumGradConfig: tf.GradConfig = {
  kernelName: tf.Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor]
    const { axis } = attrs as unknown as tf.SumAttrs
    return { x: () => tf.broadcastTo(tf.reshape(dy as tf.Tensor, keptDimsShape(x, axis)), x.shape) }
  },
}

export const meanGradConfig: tf.GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor]
    const { axis } = attrs as unknown as tf.MeanAttrs
    const kept = keptDimsShape(x, axis)
    const count = x.size / tf.util.sizeFromShape(kept)
    return { x: () => tf.broadcastTo(tf.reshape(tf.div(dy as tf.Tensor, count), kept), x.shape) }
  },
}

export function registerReductionGradients(): void {
  tf.registerGradient(sumGradConfig)
  tf.registerGradient(meanGradConfig)
}
