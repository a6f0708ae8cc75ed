import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, expect, it } from 'vitest'
import type { SgdOptions } from '../../../../../src/trainer/chase/sgd'
import { sgdUpdateRuns } from '../../../../../src/trainer/ops/sgdUpdate'
import { describeWebgpu } from '../softwareGpu'
import { compiledProgram, startSoftwareWebgpu } from '../parity'
import { sgdStepLeftBehind, threeSgdSteps } from '../../../ops/sgdSteps'

/** Three steps of our optimizer on one backend: weights and momentum buffers after them. */
async function train(
  backend: 'cpu' | 'webgpu',
  shapes: number[][],
  options: SgdOptions,
): Promise<Float32Array[]> {
  await tf.setBackend(backend)
  return threeSgdSteps(shapes, options)
}

describeWebgpu('the fused SGD step on webgpu', () => {
  beforeAll(startSoftwareWebgpu)
  // Sizes with and without a tail past the last group of four floats, and a scalar.
  const shapes = [[], [7], [16], [3, 3, 5, 7], [1003]]

  it.each([
    { learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4 },
    { learningRate: 0.05, momentum: 0, weightDecay: 0 },
  ])('matches the cpu composite (μ $momentum, wd $weightDecay)', async (options) => {
    const expected = await train('cpu', shapes, options)
    const actual = await train('webgpu', shapes, options)
    expect(sgdUpdateRuns()).toBe(true)
    expect(compiledProgram('chaseSgdBuffer4') && compiledProgram('chaseSgdBuffer1')).toBe(true)
    expect(actual.map((v) => v.length)).toEqual(expected.map((v) => v.length))
    actual.forEach((values, i) =>
      values.forEach((v, j) => {
        const reference = expected[i]![j]!
        // One float32 rounding apart at most (a driver may fuse a multiply-add).
        expect(Math.abs(v - reference), `tensor ${i}, element ${j}`).toBeLessThanOrEqual(
          4 * Math.abs(reference) * 2 ** -23 + 1e-12,
        )
      }),
    )
  })

  it('leaves no tensors or GPU bytes behind', async () => {
    await tf.setBackend('webgpu')
    expect(await sgdStepLeftBehind()).toEqual({ tensors: 0, bytes: 0 })
  })
})
