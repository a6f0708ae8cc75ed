import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
// Gradient functions (tfjs-core's Node bundle registers none; tfjs-layers registers them all).
import '@tensorflow/tfjs-layers'
import { afterEach, beforeAll, expect, it } from 'vitest'
import { Rng } from '../../../../../src/shared/rng'
import { batchNormLayout } from '../../../../../src/trainer/backend/webgpu/batchNormPrograms'
import { filterGradientSplit } from '../../../../../src/trainer/backend/webgpu/kernels/Conv2DBackpropFilter'
import { mergeLevels } from '../../../../../src/trainer/backend/webgpu/splitReduction'
import { batchNormTraining, batchNormTrainingRuns } from '../../../../../src/trainer/ops/batchNormTraining'
import { describeWebgpu } from '../softwareGpu'
import { compiledProgram, parityTolerance, randomValues, startSoftwareWebgpu } from '../parity'
import { relativeError } from '../../wasm/parity'

interface Case {
  shape: [number, number, number, number]
  bias: boolean
  relu: boolean
}

const keys = ['y', 'mean', 'variance', 'dx', 'dGamma', 'dBeta', 'dBias'] as const
type Outputs = Record<(typeof keys)[number], Float32Array>

/** Values and gradients of a weighted sum of the op's outputs: our kernels on webgpu, the composite on cpu. */
async function runOn(backend: 'cpu' | 'webgpu', c: Case, seed: number): Promise<Outputs> {
  await tf.setBackend(backend)
  const rng = Rng.fromSeed(seed, 4)
  const channels = c.shape[3]
  const size = c.shape.reduce((a, b) => a * b)
  // An offset mean and a spread of scales per channel, as conv outputs have.
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
  const out = {} as Outputs
  for (const key of keys) out[key] = (await tensors[key].data()) as Float32Array
  tf.dispose(Object.values(tensors))
  return out
}

const cases: Case[] = [
  { shape: [3, 5, 7, 8], bias: false, relu: false },
  { shape: [3, 5, 7, 8], bias: true, relu: true },
  { shape: [2, 4, 4, 16], bias: false, relu: true },
  // Six channels: one per thread (no vec4).
  { shape: [4, 3, 3, 6], bias: true, relu: true },
  { shape: [7, 9, 11, 4], bias: true, relu: false },
]
const named = (c: Case) => `${c.shape.join('×')}${c.bias ? ', bias' : ''}${c.relu ? ', ReLU' : ''}`

async function expectParity(c: Case): Promise<void> {
  const expected = await runOn('cpu', c, 3)
  const actual = await runOn('webgpu', c, 3)
  for (const key of ['y', 'mean', 'variance', 'dx', 'dGamma', 'dBeta'] as const)
    expect(relativeError(actual[key], expected[key]), key).toBeLessThan(parityTolerance)
  // The bias cancels in training mode: ours gives exactly 0, the composite float noise around 0.
  if (c.bias) expect([...actual.dBias]).toEqual(new Array(c.shape[3]).fill(0))
}

describeWebgpu('training-mode batch norm on webgpu', () => {
  const defaults = { ...filterGradientSplit }
  beforeAll(startSoftwareWebgpu)
  afterEach(() => Object.assign(filterGradientSplit, defaults))

  it('runs as our kernels for any channel count', () => {
    expect(batchNormTrainingRuns(16)).toBe(true)
    expect(batchNormTrainingRuns(6)).toBe(true)
  })

  it.each(cases.map((c) => [named(c), c] as const))('matches the cpu composite: %s', async (_, c) => {
    await expectParity(c)
    const v = c.shape[3] % 4 === 0 ? 4 : 1
    for (const program of [
      'chaseBnMomentParts',
      'chaseBnNormalize',
      'chaseBnGradientParts',
      'chaseBnInputGradient',
    ])
      expect(compiledProgram(`${program}${v}`), program).toBe(true)
  })

  it.each(cases.map((c) => [named(c), c] as const))(
    'matches it split into uneven chunks: %s',
    async (_, c) => {
      Object.assign(filterGradientSplit, { targetThreads: 1 << 20, minChunkLength: 5 })
      const rows = c.shape[0] * c.shape[1] * c.shape[2]
      const { chunks } = batchNormLayout({ shape: c.shape, dtype: 'float32', dataId: {} }).chunks
      expect(chunks).toBeGreaterThan(2)
      // 5 rows per chunk: the last chunk is short unless 5 divides the rows.
      if (rows % 5 !== 0) expect((chunks - 1) * 5).toBeLessThan(rows)
      await expectParity(c)
    },
  )

  it('matches it over one-row chunks, merged in levels of 64', async () => {
    Object.assign(filterGradientSplit, { targetThreads: 1 << 24, minChunkLength: 1 })
    const oddChannels: Case = { shape: [5, 5, 5, 6], bias: false, relu: true }
    for (const c of [cases[1]!, cases[4]!, oddChannels]) {
      const { chunks } = batchNormLayout({ shape: c.shape, dtype: 'float32', dataId: {} }).chunks
      expect(chunks).toBe(c.shape[0] * c.shape[1] * c.shape[2])
      expect(mergeLevels(chunks)).toBeGreaterThanOrEqual(2)
      await expectParity(c)
    }
    expect(compiledProgram('chaseBnMomentLevel')).toBe(true)
  })

  it('passes no gradient through units its ReLU turned off', async () => {
    await tf.setBackend('webgpu')
    const dx = tf.tidy(() => {
      const x = tf.tensor4d(randomValues(Rng.fromSeed(8), 2 * 3 * 3 * 4), [2, 3, 3, 4])
      return tf.grad((xs: tf.Tensor) =>
        tf.sum(
          batchNormTraining(xs, tf.ones([4]), tf.fill([4], -10), { bias: null, epsilon: 1e-5, relu: true }).y,
        ),
      )(x)
    })
    expect([...(await dx.data())].every((v) => v === 0)).toBe(true)
    dx.dispose()
  })

  it('leaves no tensors behind over forward and backward passes', async () => {
    await tf.setBackend('webgpu')
    const x = tf.tensor4d(randomValues(Rng.fromSeed(9), 2 * 4 * 4 * 8), [2, 4, 4, 8])
    const [gamma, beta, bias] = [tf.ones([8]), tf.zeros([8]), tf.zeros([8])]
    const step = () =>
      tf.tidy(() =>
        tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          tf.sum(batchNormTraining(a, g, b, { bias, epsilon: 1e-5, relu: true }).y),
        )([x, gamma, beta]),
      )
    tf.dispose(step())
    const before = tf.memory()
    for (let i = 0; i < 3; i++) tf.dispose(step())
    const after = tf.memory()
    expect(after.numTensors).toBe(before.numTensors)
    expect(after.numBytes).toBe(before.numBytes)
    tf.dispose([x, gamma, beta, bias])
  })
})
