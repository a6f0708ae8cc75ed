import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/shared/rng'
import { initBackend } from '../../../src/trainer/backend/pickBackend'
import { batchNormTraining, batchNormTrainingRuns } from '../../../src/trainer/ops/batchNormTraining'
import { parityTolerance, randomValues, relativeError } from '../backend/wasm/parity'

beforeAll(async () => {
  await initBackend('wasm', { threads: 1 })
})

interface Case {
  shape: [number, number, number, number]
  bias: boolean
  relu: boolean
}

/** Values and gradients of a weighted sum of the op's outputs, on one backend. */
async function runOn(backend: 'cpu' | 'wasm', c: Case, seed: number) {
  await tf.setBackend(backend)
  const rng = Rng.fromSeed(seed, 4)
  const channels = c.shape[3]
  const size = c.shape.reduce((a, b) => a * b)
  // An offset mean and a spread of scales per channel, as conv outputs have.
  const xValues = randomValues(rng, size).map((v, i) => 3 + v * (1 + (i % channels)))
  const weights = randomValues(rng, size)
  const [gammaValues, betaValues, biasValues] = [0, 1, 2].map(() => randomValues(rng, channels))
  return tf.tidy(() => {
    const x = tf.tensor4d(xValues, c.shape)
    const gamma = tf.tensor1d(gammaValues!)
    const beta = tf.tensor1d(betaValues!)
    const bias = tf.tensor1d(biasValues!)
    let stats: { mean: Float32Array; variance: Float32Array; y: Float32Array } | null = null
    const f = (xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor, bi?: tf.Tensor) => {
      const out = batchNormTraining(xs, g, b, { bias: bi ?? null, epsilon: 1e-5, relu: c.relu })
      stats = {
        mean: out.mean.dataSync() as Float32Array,
        variance: out.variance.dataSync() as Float32Array,
        y: out.y.dataSync() as Float32Array,
      }
      return tf.sum(tf.mul(out.y, tf.tensor4d(weights, c.shape)))
    }
    const [dx, dGamma, dBeta, dBias] = tf.grads(f)(c.bias ? [x, gamma, beta, bias] : [x, gamma, beta])
    return {
      ...stats!,
      dx: dx!.dataSync() as Float32Array,
      dGamma: dGamma!.dataSync() as Float32Array,
      dBeta: dBeta!.dataSync() as Float32Array,
      dBias: (dBias?.dataSync() ?? new Float32Array()) as Float32Array,
    }
  })
}

describe('training-mode batch norm', () => {
  it('runs fused on wasm for channel counts that are multiples of 4, composite otherwise', () => {
    expect(batchNormTrainingRuns(16)).toBe(true)
    expect(batchNormTrainingRuns(6)).toBe(false)
  })

  const cases: Case[] = [
    { shape: [3, 5, 7, 8], bias: false, relu: false },
    { shape: [3, 5, 7, 8], bias: true, relu: true },
    { shape: [2, 4, 4, 16], bias: false, relu: true },
    // 630 rows: several reduction chunks, the last one short.
    { shape: [10, 9, 7, 4], bias: true, relu: false },
    { shape: [4, 3, 3, 6], bias: true, relu: true },
  ]
  for (const c of cases) {
    const name = `${c.shape.join('×')}${c.bias ? ', with bias' : ''}${c.relu ? ', with ReLU' : ''}`
    it(`matches the cpu composite in values and gradients: ${name}`, async () => {
      const expected = await runOn('cpu', c, 3)
      const actual = await runOn('wasm', c, 3)
      for (const key of ['y', 'mean', 'variance', 'dx', 'dGamma', 'dBeta'] as const)
        expect(relativeError(actual[key], expected[key]), key).toBeLessThan(parityTolerance)
      // The bias cancels in training mode: its true gradient is 0, so both hold float noise only.
      const dxScale = expected.dx.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
      for (const v of actual.dBias) expect(Math.abs(v)).toBeLessThan(1e-4 * dxScale * c.shape[0] * 64)
    })
  }

  it('takes a ReLU that zeroes everything below the mean into the gradient mask', async () => {
    // Every gradient through a dead unit must be exactly 0: a mask taken from the wrong tensor would leak.
    await tf.setBackend('wasm')
    const out = tf.tidy(() => {
      const x = tf.tensor4d(randomValues(Rng.fromSeed(8), 2 * 3 * 3 * 4), [2, 3, 3, 4])
      const dx = tf.grad((xs: tf.Tensor) =>
        tf.sum(
          batchNormTraining(xs, tf.ones([4]), tf.fill([4], -10), { bias: null, epsilon: 1e-5, relu: true }).y,
        ),
      )(x)
      return dx.dataSync()
    })
    expect([...out].every((v) => v === 0)).toBe(true)
  })

  it('leaves no tensors behind over forward and backward passes', async () => {
    await tf.setBackend('wasm')
    const x = tf.tensor4d(randomValues(Rng.fromSeed(9), 2 * 4 * 4 * 8), [2, 4, 4, 8])
    const [gamma, beta, bias] = [tf.ones([8]), tf.zeros([8]), tf.zeros([8])]
    const step = () =>
      tf.tidy(() =>
        tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          tf.sum(batchNormTraining(a, g, b, { bias, epsilon: 1e-5, relu: true }).y),
        )([x, gamma, beta]),
      )
    tf.dispose(step())
    const before = tf.memory().numTensors
    for (let i = 0; i < 3; i++) tf.dispose(step())
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([x, gamma, beta, bias])
  })
})
