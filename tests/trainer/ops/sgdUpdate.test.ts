import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/shared/rng'
import { initBackend } from '../../../src/trainer/backend/pickBackend'
import { sgdUpdateRuns } from '../../../src/trainer/ops/sgdUpdate'
import { registerWasmTrainingKernels } from '../../../src/trainer/backend/wasm/registerTrainingKernels'
import { Sgd, type SgdOptions } from '../../../src/trainer/chase/sgd'
import { randomValues } from '../backend/wasm/parity'

beforeAll(async () => {
  await initBackend('wasm', { threads: 1 })
})

/** Three steps on wasm; the fused kernel, or (SIMD kernels off) tfjs' six elementwise kernels. */
function train(fused: boolean, shapes: number[][], options: SgdOptions): Float32Array[] {
  registerWasmTrainingKernels({ simdKernels: fused })
  try {
    expect(sgdUpdateRuns()).toBe(fused)
    const rng = Rng.fromSeed(12)
    const params = new Map(
      shapes.map((shape, i) => [`p${i}`, tf.variable(tf.tensor(randomValues(rng, size(shape)), shape))]),
    )
    const sgd = new Sgd(params, options)
    for (let step = 0; step < 3; step++) {
      const grads = new Map(
        [...params].map(([name, v]) => [name, tf.tensor(randomValues(rng, v.size), v.shape)]),
      )
      sgd.step(grads)
      tf.dispose([...grads.values()])
    }
    const out = [...params].flatMap(([name, v]) => [
      v.dataSync() as Float32Array,
      sgd.buffer(name)!.dataSync() as Float32Array,
    ])
    sgd.dispose()
    tf.dispose([...params.values()])
    return out
  } finally {
    registerWasmTrainingKernels()
  }
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1)

describe('the fused SGD step on wasm', () => {
  // Sizes with and without a tail past the last group of four floats.
  const shapes = [[1], [7], [16], [3, 3, 5, 7], [1003]]
  for (const options of [
    { learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4 },
    { learningRate: 0.05, momentum: 0, weightDecay: 0 },
  ]) {
    it(`equals tfjs' composite bit for bit (μ ${options.momentum}, wd ${options.weightDecay})`, () => {
      const fused = train(true, shapes, options)
      const composite = train(false, shapes, options)
      expect(fused.length).toBe(composite.length)
      fused.forEach((values, i) => expect([...values]).toEqual([...composite[i]!]))
    })
  }

  it('leaves no tensors behind', () => {
    const w = tf.variable(tf.ones([10]))
    const sgd = new Sgd(new Map([['w', w]]), { learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4 })
    const g = tf.ones([10])
    sgd.step(new Map([['w', g]]))
    const before = tf.memory().numTensors
    for (let i = 0; i < 3; i++) sgd.step(new Map([['w', g]]))
    expect(tf.memory().numTensors).toBe(before)
    sgd.dispose()
    tf.dispose([w, g])
  })
})
