import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../../src/shared/rng'
import { initBackend } from '../../../../src/trainer/backend/pickBackend'
import { registerWasmTrainingKernels } from '../../../../src/trainer/backend/wasm/registerTrainingKernels'
import { parity, parityTolerance, randomValues, runKernel } from './parity'

/**
 * Where our wasm SIMD kernels cannot bind to the backend's memory, im2col and the max-pool gradient
 * run in JavaScript: the same parity against cpu, with the SIMD kernels switched off.
 */
beforeAll(async () => {
  await initBackend('wasm', { threads: 1 })
  registerWasmTrainingKernels({ simdKernels: false })
})
afterAll(() => {
  registerWasmTrainingKernels()
})

const rng = Rng.fromSeed(21)
const tensor = (shape: number[], options?: Parameters<typeof randomValues>[2]) => {
  const values = randomValues(
    rng,
    shape.reduce((a, b) => a * b, 1),
    options,
  )
  return () => tf.tensor(values, shape)
}

describe('JavaScript fallbacks of the wasm kernels', () => {
  const convCases = [
    { x: [2, 9, 9, 3], filter: [3, 3, 3, 5], strides: 1, pad: 1 },
    { x: [2, 9, 8, 6], filter: [3, 3, 6, 4], strides: 2, pad: 1 },
    { x: [2, 7, 7, 2], filter: [1, 1, 2, 4], strides: 2, pad: 0 },
    { x: [1, 8, 8, 8], filter: [3, 3, 8, 8], strides: 1, pad: 'same' },
  ] as const
  for (const c of convCases) {
    it(`filter gradient: x ${c.x.join('×')}, filter ${c.filter.join('×')}, stride ${c.strides}, pad ${c.pad}`, async () => {
      const x = tensor([...c.x])
      const output = tf.backend_util.computeConv2DInfo(
        [...c.x] as [number, number, number, number],
        [...c.filter] as [number, number, number, number],
        c.strides,
        1,
        c.pad,
      )
      const dy = tensor(output.outShape)
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter }
      expect(await parity(() => runKernel('Conv2DBackpropFilter', { x: x(), dy: dy() }, attrs))).toBeLessThan(
        parityTolerance,
      )
    })
  }
  for (const [shape, ties] of [
    [[2, 8, 6, 8], false],
    [[2, 9, 7, 4], true],
    [[2, 6, 6, 5], true],
  ] as const) {
    it(`max-pool gradient${ties ? ' with tied maxima' : ''}: ${shape.join('×')}, window 2, stride 2`, async () => {
      const x = tensor([...shape], ties ? { quantize: 2, relu: true } : {})
      const error = await parity(() => {
        const input = x()
        const output = tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid')
        return runKernel(
          'MaxPoolGrad',
          { dy: tf.onesLike(output), input, output },
          { filterSize: 2, strides: 2, pad: 'valid' },
        )
      })
      expect(error).toBeLessThan(parityTolerance)
    })
  }
})
