import * as tf from '@tensorflow/tfjs-core'
import type { ModelSpec } from '../../shared/models/modelSpec'
import { forward, updateRunningStats, type BatchStats } from '../model/forward'
import type { ModelParams } from '../model/parameters'

export interface StepInput {
  /** NHWC, normalised. */
  readonly images: Float32Array
  readonly labels: Int32Array
  readonly shape: readonly [number, number, number, number]
}

export interface StepOutput {
  /** Mean cross-entropy of the minibatch. */
  readonly loss: number
  readonly correct: number
  /** Dense loss gradients by parameter name; the caller disposes them. */
  readonly grads: Map<string, tf.Tensor>
}

/**
 * One forward and backward pass in training mode (one pass per step: the official double forward is a
 * bug, spec decision 1). BN running statistics are updated here, outside the gradient tape.
 */
export class TrainStep {
  private readonly trainable: tf.Variable[]
  /** tfjs names gradients by its own variable names; map them back to parameter names. */
  private readonly nameOf = new Map<string, string>()

  constructor(
    private readonly spec: ModelSpec,
    private readonly params: ModelParams,
  ) {
    this.trainable = [...params].filter(([, v]) => v.trainable).map(([, v]) => v)
    for (const [name, variable] of params) this.nameOf.set(variable.name, name)
  }

  /** Async: the loss and hit count are read back, and webgpu in Node reads only asynchronously. */
  async run(input: StepInput): Promise<StepOutput> {
    const classes = this.spec.classes
    let stats: BatchStats = {}
    let correct: tf.Scalar | undefined
    const { value, grads } = tf.tidy(() => {
      const x = tf.tensor4d(input.images, [...input.shape])
      const labels = tf.tensor1d(input.labels, 'int32')
      const oneHot = tf.oneHot(labels, classes)
      return tf.variableGrads(() => {
        const out = forward(this.spec, this.params, x, { training: true })
        stats = out.batchStats
        correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(out.logits, 1), labels), 'int32')))
        return tf.losses.softmaxCrossEntropy(oneHot, out.logits) as tf.Scalar
      }, this.trainable)
    })
    updateRunningStats(this.spec, this.params, stats)
    const both = tf.tidy(() => tf.stack([value, tf.cast(correct!, 'float32')]))
    tf.dispose([value, correct!])
    // One download for both (hits stay exact in float32: a batch is far below 2^24 images).
    const [loss, hits] = await both.data()
    both.dispose()
    const named = new Map<string, tf.Tensor>()
    for (const [variableName, grad] of Object.entries(grads)) named.set(this.nameOf.get(variableName)!, grad)
    return { loss: loss!, correct: hits!, grads: named }
  }
}
