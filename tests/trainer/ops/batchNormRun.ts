import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../../src/shared/rng'
import { batchNormTraining } from '../../../src/trainer/ops/batchNormTraining'
import { randomValues } from '../backend/wasm/parity'

export interface BatchNormCase {
  shape: [number, number, number, number]
  bias: boolean
  relu: boolean
}

/** Shapes every backend's kernels are held to: vec4 and odd channel counts, several reduction chunks. */
export const batchNormCases: readonly BatchNormCase[] = [
  { shape: [3, 5, 7, 8], bias: false, relu: false },
  { shape: [3, 5, 7, 8], bias: true, relu: true },
  { shape: [2, 4, 4, 16], bias: false, relu: true },
  // 630 rows: several of wasm's reduction chunks, the last one short.
  { shape: [10, 9, 7, 4], bias: true, relu: false },
  // Six channels: not a multiple of 4.
  { shape: [4, 3, 3, 6], bias: true, relu: true },
]

export const caseName = (c: BatchNormCase): string =>
  `${c.shape.join('×')}${c.bias ? ', with bias' : ''}${c.relu ? ', with ReLU' : ''}`

export const batchNormOutputs = ['y', 'mean', 'variance', 'dx', 'dGamma', 'dBeta', 'dBias'] as const
export type BatchNormOutputs = Record<(typeof batchNormOutputs)[number], Float32Array>

/**
 * Values and gradients (of a weighted sum of y) of our training-mode batch norm on the current backend,
 * seeded: an offset mean and a spread of scales per channel, as conv outputs have. Read asynchronously.
 */
export async function runBatchNorm(c: BatchNormCase, seed: number): Promise<BatchNormOutputs> {
  const rng = Rng.fromSeed(seed, 4)
  const channels = c.shape[3]
  const size = c.shape.reduce((a, b) => a * b)
  const xValues = randomValues(rng, size).map((v, i) => 3 + v * (1 + (i % channels)))
  const weights = randomValues(rng, size)
  const [gammaValues, betaValues, biasValues] = [0, 1, 2].map(() => randomValues(rng, channels))
  const tensors = tf.tidy(() => {
    const x = tf.tensor4d(xValues, c.shape)
    const [gamma, beta, bias] = [gammaValues!, betaValues!, biasValues!].map((v) => tf.tensor1d(v))
    const options = (b?: tf.Tensor) => ({ bias: b ?? null, epsilon: 1e-5, relu: c.relu })
    const forward = batchNormTraining(x, gamma!, beta!, options(c.bias ? bias : undefined))
    const f = (xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor, bi?: tf.Tensor) =>
      tf.sum(tf.mul(batchNormTraining(xs, g, b, options(bi)).y, tf.tensor4d(weights, c.shape)))
    const [dx, dGamma, dBeta, dBias] = tf.grads(f)(c.bias ? [x, gamma!, beta!, bias!] : [x, gamma!, beta!])
    return { ...forward, dx: dx!, dGamma: dGamma!, dBeta: dBeta!, dBias: dBias ?? tf.zeros([0]) }
  })
  const out = {} as BatchNormOutputs
  for (const key of batchNormOutputs) out[key] = (await tensors[key].data()) as Float32Array
  tf.dispose(Object.values(tensors))
  return out
}

/** dx through a ReLU that every unit is below (β = −10): it must be exactly 0 everywhere. */
export async function deadReluGradient(): Promise<Float32Array> {
  const dx = tf.tidy(() => {
    const x = tf.tensor4d(randomValues(Rng.fromSeed(8), 2 * 3 * 3 * 4), [2, 3, 3, 4])
    return tf.grad((xs: tf.Tensor) =>
      tf.sum(
        batchNormTraining(xs, tf.ones([4]), tf.fill([4], -10), { bias: null, epsilon: 1e-5, relu: true }).y,
      ),
    )(x)
  })
  const values = (await dx.data()) as Float32Array
  dx.dispose()
  return values
}

/** One forward and backward pass; with `leftBehind` (sgdSteps.ts), what a pass leaves allocated. */
export function batchNormPass(): { pass: () => void; dispose: () => void } {
  const x = tf.tensor4d(randomValues(Rng.fromSeed(9), 2 * 4 * 4 * 8), [2, 4, 4, 8])
  const [gamma, beta, bias] = [tf.ones([8]), tf.zeros([8]), tf.zeros([8])]
  const pass = () =>
    tf.dispose(
      tf.tidy(() =>
        tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          tf.sum(batchNormTraining(a, g, b, { bias, epsilon: 1e-5, relu: true }).y),
        )([x, gamma, beta]),
      ),
    )
  return { pass, dispose: () => tf.dispose([x, gamma, beta, bias]) }
}
