import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { buildModel } from '../../../src/shared/models/registry'
import type { ModelBuildOptions, ModelSpec } from '../../../src/shared/models/modelSpec'
import { Rng } from '../../../src/shared/rng'
import { forward, updateRunningStats, type BatchStats } from '../../../src/trainer/model/forward'
import { createParameters, trainableVariables, type ModelParams } from '../../../src/trainer/model/parameters'

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu')
}

/** A network small enough for the cpu backend: narrow, on a small image. */
export function smallNetwork(
  name: string,
  options: Partial<ModelBuildOptions> = {},
  seed = 1,
): { spec: ModelSpec; params: ModelParams } {
  const spec = buildModel(name, { input: [16, 16, 3], classes: 10, widthMultiplier: 0.125, ...options })
  return { spec, params: createParameters(spec, Rng.fromSeed(seed)) }
}

/** Seeded normal batch. */
export function randomBatch(spec: ModelSpec, batch: number, seed: number): tf.Tensor {
  const rng = Rng.fromSeed(seed, 99)
  const size = batch * spec.input.reduce((a, b) => a * b, 1)
  return tf.tensor(
    Float32Array.from({ length: size }, () => rng.normal()),
    [batch, ...spec.input],
  )
}

/** Cross-entropy on the logits (the loss the trainer uses). */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(
    tf.oneHot(labels as tf.Tensor1D, logits.shape[1]!),
    logits as tf.Tensor2D,
  ) as tf.Scalar
}

/** One plain SGD step on the batch; returns the loss before the step. */
export function sgdStep(
  spec: ModelSpec,
  params: ModelParams,
  x: tf.Tensor,
  labels: tf.Tensor,
  learningRate: number,
): number {
  let stats: BatchStats = {}
  const trainable = trainableVariables(params)
  const { value, grads } = tf.variableGrads(() => {
    const out = forward(spec, params, x, { training: true })
    stats = out.batchStats
    return crossEntropy(out.logits, labels)
  }, trainable)
  updateRunningStats(spec, params, stats)
  tf.tidy(() => {
    for (const v of trainable) v.assign(tf.sub(v, tf.mul(grads[v.name]!, learningRate)))
  })
  const loss = value.dataSync()[0]!
  tf.dispose([value, ...Object.values(grads)])
  return loss
}

/** Largest |a − b| / max|b|. */
export function relativeError(a: tf.Tensor, b: tf.Tensor): number {
  const da = a.dataSync()
  const db = b.dataSync()
  let diff = 0
  let scale = 0
  for (let i = 0; i < db.length; i++) {
    diff = Math.max(diff, Math.abs(da[i]! - db[i]!))
    scale = Math.max(scale, Math.abs(db[i]!))
  }
  return diff / scale
}

export function inference(spec: ModelSpec, params: ModelParams, x: tf.Tensor): tf.Tensor {
  return forward(spec, params, x, { training: false }).logits
}
