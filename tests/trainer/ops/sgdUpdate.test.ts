import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/trainer/backend/pickBackend'
import { sgdUpdateRuns } from '../../../src/trainer/ops/sgdUpdate'
import { registerWasmTrainingKernels } from '../../../src/trainer/backend/wasm/registerTrainingKernels'
import type { SgdOptions } from '../../../src/trainer/chase/sgd'
import { sgdStepLeftBehind, threeSgdSteps } from './sgdSteps'

beforeAll(async () => {
  await initBackend('wasm', { threads: 1 })
})

/** Three steps on wasm; the fused kernel, or (SIMD kernels off) tfjs' six elementwise kernels. */
async function train(fused: boolean, shapes: number[][], options: SgdOptions): Promise<Float32Array[]> {
  registerWasmTrainingKernels({ simdKernels: fused })
  try {
    expect(sgdUpdateRuns()).toBe(fused)
    return await threeSgdSteps(shapes, options)
  } finally {
    registerWasmTrainingKernels()
  }
}

describe('the fused SGD step on wasm', () => {
  // Sizes with and without a tail past the last group of four floats.
  const shapes = [[1], [7], [16], [3, 3, 5, 7], [1003]]
  for (const options of [
    { learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4 },
    { learningRate: 0.05, momentum: 0, weightDecay: 0 },
  ]) {
    it(`equals tfjs' composite bit for bit (μ ${options.momentum}, wd ${options.weightDecay})`, async () => {
      const fused = await train(true, shapes, options)
      const composite = await train(false, shapes, options)
      expect(fused.length).toBe(composite.length)
      fused.forEach((values, i) => expect([...values]).toEqual([...composite[i]!]))
    })
  }

  it('leaves no tensors behind', async () => {
    expect((await sgdStepLeftBehind()).tensors).toBe(0)
  })
})
