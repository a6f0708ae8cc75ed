import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
// Gradient functions (tfjs-core's Node bundle registers none; tfjs-layers registers them all).
import '@tensorflow/tfjs-layers'
import { afterEach, beforeAll, expect, it } from 'vitest'
import { batchNormLayout } from '../../../../../src/trainer/backend/webgpu/batchNormPrograms'
import { mergeLevels, reductionSplit } from '../../../../../src/trainer/backend/webgpu/splitReduction'
import { batchNormTrainingRuns } from '../../../../../src/trainer/ops/batchNormTraining'
import { describeWebgpu } from '../softwareGpu'
import { compiledProgram, parityTolerance, startSoftwareWebgpu } from '../parity'
import { relativeError } from '../../wasm/parity'
import {
  batchNormCases,
  batchNormPass,
  caseName,
  deadReluGradient,
  runBatchNorm,
  type BatchNormCase,
} from '../../../ops/batchNormRun'
import { leftBehind } from '../../../ops/sgdSteps'

/** The shared cases, and one whose last chunk is short at 5 rows per chunk (693 rows). */
const cases: BatchNormCase[] = [...batchNormCases, { shape: [7, 9, 11, 4], bias: true, relu: false }]

/** Our kernels on webgpu against tfjs' composite on cpu. */
async function expectParity(c: BatchNormCase): Promise<void> {
  await tf.setBackend('cpu')
  const expected = await runBatchNorm(c, 3)
  await tf.setBackend('webgpu')
  const actual = await runBatchNorm(c, 3)
  for (const key of ['y', 'mean', 'variance', 'dx', 'dGamma', 'dBeta'] as const)
    expect(relativeError(actual[key], expected[key]), key).toBeLessThan(parityTolerance)
  // The bias cancels in training mode: ours gives exactly 0, the composite float noise around 0.
  if (c.bias) expect([...actual.dBias]).toEqual(new Array(c.shape[3]).fill(0))
}

describeWebgpu('training-mode batch norm on webgpu', () => {
  const defaults = { ...reductionSplit }
  beforeAll(startSoftwareWebgpu)
  afterEach(() => Object.assign(reductionSplit, defaults))

  it('runs as our kernels for any channel count', () => {
    expect(batchNormTrainingRuns(16)).toBe(true)
    expect(batchNormTrainingRuns(6)).toBe(true)
  })

  it.each(cases.map((c) => [caseName(c), c] as const))('matches the cpu composite: %s', async (_, c) => {
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

  it.each(cases.map((c) => [caseName(c), c] as const))(
    'matches it split into uneven chunks: %s',
    async (_, c) => {
      Object.assign(reductionSplit, { targetThreads: 1 << 20, minChunkLength: 5 })
      const rows = c.shape[0] * c.shape[1] * c.shape[2]
      const { chunks } = batchNormLayout({ shape: c.shape, dtype: 'float32', dataId: {} }).chunks
      expect(chunks).toBeGreaterThan(2)
      // 5 rows per chunk: the last chunk is short unless 5 divides the rows.
      if (rows % 5 !== 0) expect((chunks - 1) * 5).toBeLessThan(rows)
      await expectParity(c)
    },
  )

  it('matches it over one-row chunks, merged in levels of 64', async () => {
    Object.assign(reductionSplit, { targetThreads: 1 << 24, minChunkLength: 1 })
    const oddChannels: BatchNormCase = { shape: [5, 5, 5, 6], bias: false, relu: true }
    for (const c of [cases[1]!, cases[5]!, oddChannels]) {
      const { chunks } = batchNormLayout({ shape: c.shape, dtype: 'float32', dataId: {} }).chunks
      expect(chunks).toBe(c.shape[0] * c.shape[1] * c.shape[2])
      expect(mergeLevels(chunks)).toBeGreaterThanOrEqual(2)
      await expectParity(c)
    }
    expect(compiledProgram('chaseBnMomentLevel')).toBe(true)
  })

  it('passes no gradient through units its ReLU turned off', async () => {
    await tf.setBackend('webgpu')
    expect([...(await deadReluGradient())].every((v) => v === 0)).toBe(true)
  })

  it('leaves no tensors or GPU bytes behind over forward and backward passes', async () => {
    await tf.setBackend('webgpu')
    const { pass, dispose } = batchNormPass()
    expect(await leftBehind(pass)).toEqual({ tensors: 0, bytes: 0 })
    dispose()
  })
})
