import * as tf from '@tensorflow/tfjs-core'
// Gradient functions (tfjs-core's Node bundle registers none; tfjs-layers registers them all).
import '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../../src/shared/rng'
import { initBackend } from '../../../../src/trainer/backend/pickBackend'
import { planBlockReduction } from '../../../../src/trainer/backend/wasm/reduceLeadingAxes'
import { meanGradConfig, sumGradConfig } from '../../../../src/trainer/backend/wasm/reductionGradients'
import { parity, parityTolerance, randomValues, relativeError, runKernel, valuesOn } from './parity'

beforeAll(async () => {
  await initBackend('wasm', { threads: 1 })
})

const rng = Rng.fromSeed(5, 3)
const tensor = (shape: number[], options?: Parameters<typeof randomValues>[2]) => {
  const values = randomValues(
    rng,
    shape.reduce((a, b) => a * b, 1),
    options,
  )
  return () => tf.tensor(values, shape)
}

describe('pooling gradients on wasm match the cpu backend', () => {
  const poolCases = [
    { x: [3, 8, 8, 5], filterSize: 2, strides: 2, pad: 'valid' },
    { x: [2, 8, 6, 8], filterSize: 2, strides: 2, pad: 'valid' },
    { x: [2, 7, 9, 4], filterSize: 2, strides: 2, pad: 'same' },
    { x: [2, 9, 7, 4], filterSize: 2, strides: 2, pad: 'valid' },
    { x: [2, 9, 9, 3], filterSize: 3, strides: 2, pad: 'same' },
    { x: [2, 8, 8, 3], filterSize: 3, strides: 2, pad: 1 },
    { x: [1, 7, 6, 6], filterSize: [3, 2], strides: [1, 2], pad: 'valid' },
    { x: [2, 4, 4, 16], filterSize: 4, strides: 4, pad: 'valid' },
  ] as const
  for (const c of poolCases) {
    const name = `${c.x.join('×')}, window ${c.filterSize}, stride ${c.strides}, pad ${c.pad}`
    for (const ties of [false, true]) {
      // After ReLU and coarse rounding most windows hold equal maxima: the first one must win, as on cpu.
      const x = tensor([...c.x], ties ? { quantize: 2, relu: true } : {})
      it(`max-pool gradient${ties ? ' with tied maxima' : ''}: ${name}`, async () => {
        const error = await parity(() => {
          const input = x()
          const output = tf.maxPool(input as tf.Tensor4D, c.filterSize as number, c.strides as number, c.pad)
          const dy = tf.tensor(randomValues(Rng.fromSeed(1), output.size), output.shape)
          return runKernel(
            'MaxPoolGrad',
            { dy, input, output },
            { filterSize: c.filterSize, strides: c.strides, pad: c.pad },
          )
        })
        expect(error).toBeLessThan(parityTolerance)
      })
    }
    it(`average-pool gradient: ${name}`, async () => {
      const x = tensor([...c.x])
      const error = await parity(() => {
        const input = x()
        const output = tf.avgPool(input as tf.Tensor4D, c.filterSize as number, c.strides as number, c.pad)
        const dy = tf.tensor(randomValues(Rng.fromSeed(2), output.size), output.shape)
        return runKernel(
          'AvgPoolGrad',
          { dy, input },
          { filterSize: c.filterSize, strides: c.strides, pad: c.pad },
        )
      })
      expect(error).toBeLessThan(parityTolerance)
    })
  }
})

describe('the max-pool gradient with NaN and −∞', () => {
  it('sends dy where cpu sends it (a NaN never wins; an all −∞ window gets nothing)', async () => {
    const nan = Number.NaN
    const inf = Number.NEGATIVE_INFINITY
    // One image, 2×4 pixels, 4 channels: two windows, each channel a different mix.
    const x = [nan, 1, inf, 2, 3, nan, inf, 2, 5, 1, inf, 7, nan, 4, inf, 7]
    const values = [...x, ...x.map((v, i) => (i % 3 === 0 ? v : -v))]
    const gradient = () => {
      const input = tf.tensor4d(values, [1, 2, 4, 4])
      const output = tf.maxPool(input, 2, 2, 'valid')
      return runKernel(
        'MaxPoolGrad',
        { dy: tf.onesLike(output), input, output },
        { filterSize: 2, strides: 2, pad: 'valid' },
      )
    }
    const expected = await valuesOn('cpu', gradient)
    expect(Array.from(await valuesOn('wasm', gradient))).toEqual(Array.from(expected))
  })
})

describe('Tile on wasm matches the cpu backend', () => {
  const tileCases: [number[], number[]][] = [
    [
      [1, 1, 1, 7],
      [3, 4, 5, 1],
    ],
    [
      [2, 3],
      [3, 2],
    ],
    [
      [4, 1, 3],
      [1, 5, 2],
    ],
    [[5], [4]],
    [
      [2, 1, 2, 1, 3],
      [1, 3, 2, 2, 1],
    ],
  ]
  for (const [shape, reps] of tileCases) {
    it(`tiles ${shape.join('×')} by ${reps.join('×')}`, async () => {
      const x = tensor(shape)
      expect(await parity(() => tf.tile(x(), reps))).toBe(0)
    })
  }
  it('tiles int32 and bool tensors', async () => {
    expect(await parity(() => tf.tile(tf.tensor([[1, -2, 3]], [1, 3], 'int32'), [4, 2]))).toBe(0)
    expect(
      await parity(() => tf.cast(tf.tile(tf.tensor([true, false], [2, 1], 'bool'), [2, 3]), 'int32')),
    ).toBe(0)
  })
})

describe('sums and means over leading axes on wasm', () => {
  const reductions: [number[], number[], boolean][] = [
    [[4, 6, 6, 9], [0, 1, 2], false],
    [[4, 6, 6, 9], [1, 2], true],
    [[64, 10], [0], false],
    [[3, 5, 7], [0, 1], true],
    [[3, 5, 7], [1], false],
    [[3, 5, 7], [2], false],
    [[3, 5, 7], [0, 2], false],
    [[2, 3, 4, 5], [-3, -2], false],
  ]
  for (const [shape, axes, keepDims] of reductions) {
    const x = tensor(shape)
    it(`sum and mean over ${axes} of ${shape.join('×')}${keepDims ? ', keeping dims' : ''}`, async () => {
      expect(await parity(() => tf.sum(x(), axes, keepDims))).toBeLessThan(parityTolerance)
      expect(await parity(() => tf.mean(x(), axes, keepDims))).toBeLessThan(parityTolerance)
    })
  }
  it('keeps a long sum accurate (65,536 values per channel)', async () => {
    const x = tensor([64, 32, 32, 4])
    expect(await parity(() => tf.sum(x(), [0, 1, 2]))).toBeLessThan(parityTolerance)
  })
  it('takes the pooling path only for a block of axes before the last', () => {
    expect(planBlockReduction([4, 6, 6, 9], [0, 1, 2])).toMatchObject({ outer: 1, reduced: 144, inner: 9 })
    expect(planBlockReduction([4, 6, 6, 9], [1, 2])).toMatchObject({ outer: 4, reduced: 36, inner: 9 })
    expect(planBlockReduction([3, 5, 7], [2])).toBeNull()
    expect(planBlockReduction([3, 5, 7], [0, 2])).toBeNull()
  })
})

describe('gradients of sums and means', () => {
  it('are our broadcasting ones once the backend is up', () => {
    expect(tf.getGradient('Sum')).toBe(sumGradConfig)
    expect(tf.getGradient('Mean')).toBe(meanGradConfig)
  })
  const cases: [number[], number[], boolean][] = [
    [[4, 5, 5, 6], [0, 1, 2], false],
    [[4, 5, 5, 6], [1, 2], true],
    [[3, 7], [0], false],
    [[3, 7], [1], true],
    [[2, 3, 4], [0, 2], false],
  ]
  for (const [shape, axes, keepDims] of cases) {
    it(`match cpu for axes ${axes} of ${shape.join('×')}${keepDims ? ', keeping dims' : ''}`, async () => {
      const x = tensor(shape)
      const weights = tensor(
        shape
          .filter((_, i) => keepDims || !axes.includes(i))
          .map((size, i) => (keepDims && axes.includes(i) ? 1 : size)),
      )
      for (const reduce of [tf.sum, tf.mean]) {
        const error = await parity(() =>
          tf.grad((input: tf.Tensor) => tf.sum(tf.mul(reduce(input, axes, keepDims), weights())))(x()),
        )
        expect(error).toBeLessThan(parityTolerance)
      }
    })
  }
})

describe('matrix products with transposed operands on wasm', () => {
  for (const [transposeA, transposeB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`matches cpu with transposeA=${transposeA}, transposeB=${transposeB}`, async () => {
      const a = tensor(transposeA ? [7, 5] : [5, 7])
      const b = tensor(transposeB ? [3, 7] : [7, 3])
      expect(await parity(() => tf.matMul(a(), b(), transposeA, transposeB))).toBeLessThan(parityTolerance)
    })
  }
  it('leaves batched products to the shipped kernel, still correct', async () => {
    const a = tensor([2, 7, 5])
    const b = tensor([2, 3, 7])
    expect(await parity(() => tf.matMul(a(), b(), true, true))).toBeLessThan(parityTolerance)
  })
})

describe('identity and same-dtype cast share memory on wasm', () => {
  it('keeps a clone readable after the original is disposed', async () => {
    await tf.setBackend('wasm')
    const original = tf.tensor([1, 2, 3])
    const clone = tf.clone(original)
    const cast = tf.cast(original, 'float32')
    original.dispose()
    expect(Array.from(clone.dataSync())).toEqual([1, 2, 3])
    expect(Array.from(cast.dataSync())).toEqual([1, 2, 3])
    clone.dispose()
    cast.dispose()
  })
  it('still converts between dtypes', async () => {
    expect(Array.from(await valuesOn('wasm', () => tf.cast(tf.tensor([1.7, -2.2, 0]), 'int32')))).toEqual([
      1, -2, 0,
    ])
    expect(
      Array.from(await valuesOn('wasm', () => tf.cast(tf.tensor([3, 0, -1], [3], 'int32'), 'bool'))),
    ).toEqual([1, 0, 1])
  })
})

describe('numeric padding with unequal strides on wasm', () => {
  // tfjs sizes such an output with the row stride on both axes (and XNNPACK then writes past it);
  // explicit padding is sized per axis, so it is the reference here, on cpu.
  it('computes the explicitly padded convolution and its gradients', async () => {
    const x = tensor([2, 5, 7, 3])
    const filter = tensor([3, 3, 3, 4])
    const explicit = [
      [0, 0],
      [2, 2],
      [2, 2],
      [0, 0],
    ] as [[0, 0], [number, number], [number, number], [0, 0]]
    for (const [kernelSize, strides] of [
      [1, [3, 1]],
      [3, [1, 2]],
    ] as const) {
      const w = () => tf.slice(filter(), [0, 0, 0, 0], [kernelSize, kernelSize, 3, 4]) as tf.Tensor4D
      const numeric = await valuesOn('wasm', () => tf.conv2d(x() as tf.Tensor4D, w(), [...strides], 2))
      const expected = await valuesOn('cpu', () => tf.conv2d(x() as tf.Tensor4D, w(), [...strides], explicit))
      expect(relativeError(numeric, expected)).toBeLessThan(parityTolerance)
    }
  })
})

describe('our kernels leave nothing allocated', () => {
  it('keeps tensor and wasm buffer counts flat across calls', async () => {
    await tf.setBackend('wasm')
    const x = tf.randomNormal([2, 8, 8, 4]) as tf.Tensor4D
    const w = tf.randomNormal([3, 3, 4, 6]) as tf.Tensor4D
    const step = () =>
      tf.tidy(() => {
        const grads = tf.grads((input: tf.Tensor, filter: tf.Tensor) => {
          const y = tf.conv2d(input as tf.Tensor4D, filter as tf.Tensor4D, 2, 1)
          const pooled = tf.maxPool(tf.relu(y), 2, 2, 'valid')
          return tf.sum(
            tf.mul(tf.avgPool(y, 2, 2, 'valid'), tf.tile(tf.mean(pooled, [0, 1, 2], true), [2, 2, 2, 1])),
          )
        })([x, w])
        return tf.addN(grads.map((g) => tf.sum(g)))
      })
    step().dispose()
    const tensors = tf.memory().numTensors
    const buffers = (tf.backend() as unknown as { numDataIds(): number }).numDataIds()
    for (let i = 0; i < 3; i++) step().dispose()
    expect(tf.memory().numTensors).toBe(tensors)
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(buffers)
  })
})
