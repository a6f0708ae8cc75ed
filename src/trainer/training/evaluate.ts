import * as tf from '@tensorflow/tfjs-core'
import type { ModelSpec } from '../../shared/models/modelSpec'
import type { BatchStream } from '../data'
import { forward } from '../model/forward'
import type { ModelParams } from '../model/parameters'

export interface Evaluation {
  readonly loss: number
  readonly accuracy: number
  readonly count: number
}

/** One inference-mode pass over an evaluation stream (exactly one epoch of it). */
export async function evaluate(
  spec: ModelSpec,
  params: ModelParams,
  stream: BatchStream,
): Promise<Evaluation> {
  let lossSum = 0
  let correct = 0
  let count = 0
  for (;;) {
    const batch = await stream.next()
    const [lossTotal, hits] = tf.tidy(() => {
      const x = tf.tensor4d(batch.images, [...batch.shape])
      const labels = tf.tensor1d(batch.labels, 'int32')
      const { logits } = forward(spec, params, x, { training: false })
      const losses = tf.losses.softmaxCrossEntropy(
        tf.oneHot(labels, spec.classes),
        logits,
        undefined,
        undefined,
        tf.Reduction.NONE,
      )
      return [tf.sum(losses), tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32'))]
    })
    lossSum += (await lossTotal!.data())[0]!
    correct += (await hits!.data())[0]!
    count += batch.size
    tf.dispose([lossTotal!, hits!])
    if (batch.lastInEpoch) break
  }
  return { loss: lossSum / Math.max(1, count), accuracy: correct / Math.max(1, count), count }
}
