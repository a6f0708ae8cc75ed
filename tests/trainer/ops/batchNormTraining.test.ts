import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/trainer/backend/pickBackend'
import { batchNormTrainingRuns } from '../../../src/trainer/ops/batchNormTraining'
import { parityTolerance, relativeError } from '../backend/wasm/parity'
import { batchNormCases, batchNormPass, caseName, deadReluGradient, runBatchNorm } from './batchNormRun'
import { leftBehind } from './sgdSteps'

beforeAll(async () => {
  await initBackend('wasm', { threads: 1 })
})

describe('training-mode batch norm', () => {
  it('runs fused on wasm for channel counts that are multiples of 4, composite otherwise', () => {
    expect(batchNormTrainingRuns(16)).toBe(true)
    expect(batchNormTrainingRuns(6)).toBe(false)
  })

  for (const c of batchNormCases)
    it(`matches the cpu composite in values and gradients: ${caseName(c)}`, async () => {
      await tf.setBackend('cpu')
      const expected = await runBatchNorm(c, 3)
      await tf.setBackend('wasm')
      const actual = await runBatchNorm(c, 3)
      for (const key of ['y', 'mean', 'variance', 'dx', 'dGamma', 'dBeta'] as const)
        expect(relativeError(actual[key], expected[key]), key).toBeLessThan(parityTolerance)
      // The bias cancels in training mode: its true gradient is 0, so both hold float noise only.
      const dxScale = expected.dx.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
      for (const v of actual.dBias) expect(Math.abs(v)).toBeLessThan(1e-4 * dxScale * c.shape[0] * 64)
    })

  it('takes a ReLU that zeroes everything below the mean into the gradient mask', async () => {
    // Every gradient through a dead unit must be exactly 0: a mask taken from the wrong tensor would leak.
    await tf.setBackend('wasm')
    expect([...(await deadReluGradient())].every((v) => v === 0)).toBe(true)
  })

  it('leaves no tensors behind over forward and backward passes', async () => {
    await tf.setBackend('wasm')
    const { pass, dispose } = batchNormPass()
    expect((await leftBehind(pass)).tensors).toBe(0)
    dispose()
  })
})
