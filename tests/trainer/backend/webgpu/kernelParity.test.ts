import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
// Gradient functions (tfjs-core's Node bundle registers none; tfjs-layers registers them all).
import '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Rng } from '../../../../src/shared/rng'
import { pickBackend } from '../../../../src/trainer/backend/pickBackend'
import { stopWebgpuBackend } from '../../../../src/trainer/backend/webgpuBackend'
import { batchNormTraining } from '../../../../src/trainer/ops/batchNormTraining'
import { runningAverage } from '../../../../src/trainer/ops/runningAverage'
import { sgdUpdate } from '../../../../src/trainer/ops/sgdUpdate'
import { chaseRunKernels } from './chaseDispatch'
import { describeWebgpu } from './softwareGpu'

/** Seeded values in [-1, 1), the same on every backend. */
function t(shape: number[], seed: number): tf.Tensor {
  const rng = Rng.fromSeed(seed, 11)
  const size = shape.reduce((a, b) => a * b, 1)
  return tf.tensor(
    Float32Array.from({ length: size }, () => rng.next() * 2 - 1),
    shape,
  )
}
const positive = (shape: number[], seed: number) => tf.add(tf.abs(t(shape, seed)), 0.1)
const ints = (values: number[]) => tf.tensor1d(values, 'int32')

type Conv = { x: number[]; f: number[]; stride: number; pad: 'same' | 'valid' | number }
const convs: Conv[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 5], stride: 1, pad: 'same' },
  { x: [2, 8, 8, 4], f: [3, 3, 4, 6], stride: 2, pad: 'same' },
  { x: [1, 6, 6, 8], f: [1, 1, 8, 4], stride: 1, pad: 'valid' },
  { x: [3, 5, 5, 1], f: [3, 3, 1, 4], stride: 1, pad: 1 },
  { x: [2, 9, 9, 4], f: [1, 1, 4, 8], stride: 2, pad: 'valid' },
]
const conv = (c: Conv, x: tf.Tensor, f: tf.Tensor) =>
  tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad)

/** Our training-mode batch norm (our kernels on webgpu, the composite on cpu): vec4 and odd channels. */
const batchNorms = [
  { x: [2, 4, 4, 8], bias: true, relu: true },
  { x: [3, 3, 3, 6], bias: false, relu: false },
]
const normalise = (c: (typeof batchNorms)[number], x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
  const channels = c.x[3]!
  return batchNormTraining(x, gamma, beta, {
    bias: c.bias ? t([channels], 40) : null,
    epsilon: 1e-5,
    relu: c.relu,
  })
}

/**
 * One case per kernel a Chase run dispatches on webgpu: ops that dispatch it, on fixed inputs (shapes
 * that cover what the models do: broadcasting, strides, pads, 1×1 and 3×3, a single input channel).
 */
const parityCases: Record<string, () => tf.Tensor[]> = {
  Abs: () => [tf.abs(t([5, 7], 1))],
  Add: () => [tf.add(t([4, 6], 1), t([6], 2)), tf.add(t([2, 3, 3, 4], 3), t([2, 3, 3, 4], 4))],
  AddN: () => [
    tf.addN([t([3, 4], 1), t([3, 4], 2), t([3, 4], 3)]),
    // More inputs than one shader may bind (the engine sums one count per masked tensor).
    tf.addN(Array.from({ length: 30 }, (_, i) => t([5], 10 + i))),
  ],
  ArgMax: () => [tf.argMax(t([6, 10], 1), 1)],
  BatchMatMul: () => [
    tf.matMul(t([5, 7], 1) as tf.Tensor2D, t([7, 3], 2) as tf.Tensor2D),
    tf.matMul(t([7, 5], 1) as tf.Tensor2D, t([7, 3], 2) as tf.Tensor2D, true, false),
    tf.matMul(t([5, 7], 1) as tf.Tensor2D, t([3, 7], 2) as tf.Tensor2D, false, true),
  ],
  ChaseBatchNormTraining: () =>
    batchNorms.flatMap((c, i) => {
      const { y, mean, variance } = normalise(c, t(c.x, i), t([c.x[3]!], 10 + i), t([c.x[3]!], 20 + i))
      return [y, mean, variance]
    }),
  ChaseBatchNormTrainingGrad: () =>
    batchNorms.flatMap((c, i) => {
      const weight = t(c.x, 30 + i)
      return tf.grads((x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) =>
        tf.sum(tf.mul(normalise(c, x, gamma, beta).y, weight)),
      )([t(c.x, i), t([c.x[3]!], 10 + i), t([c.x[3]!], 20 + i)])
    }),
  ChaseRunningAverage: () => [
    runningAverage(positive([6], 1), positive([6], 2), { momentum: 0.1, scale: 1 }),
    runningAverage(positive([9], 3), positive([9], 4), { momentum: 0.1, scale: 50 / 49 }),
  ],
  ChaseSgdUpdate: () =>
    [[3, 3, 2, 4], [5]].flatMap((shape, i) => {
      const next = sgdUpdate(t(shape, i), t(shape, 10 + i), t(shape, 20 + i), {
        learningRate: 0.1,
        momentum: 0.9,
        weightDecay: 5e-4,
      })
      return [next.weight, next.buffer]
    }),
  Cast: () => [
    tf.cast(tf.greater(t([9], 1), 0), 'float32'),
    tf.cast(tf.cast(tf.mul(t([9], 2), 5), 'int32'), 'float32'),
    // On the GPU (over tfjs' 1,000-element CPU hand-off) and summed over leading axes (a transpose
    // first), as the engine sums a mask per output channel.
    tf.sum(tf.cast(tf.greater(t([3, 3, 16, 32], 3), 0), 'float32'), [0, 1, 2]),
    tf.sum(tf.cast(tf.cast(tf.mul(t([20, 30, 5], 4), 4), 'int32'), 'float32'), [0, 1]),
    tf.cast(tf.equal(tf.sum(tf.cast(tf.greater(t([7], 5), 0), 'int32')), tf.scalar(3, 'int32')), 'float32'),
  ],
  Concat: () => [tf.concat([t([2, 3], 1), t([4, 3], 2)]), tf.concat([t([2, 3], 1), t([2, 5], 2)], 1)],
  Conv2D: () => convs.map((c, i) => conv(c, t(c.x, i), t(c.f, 10 + i))),
  Conv2DBackpropFilter: () =>
    convs.map((c, i) => {
      const x = t(c.x, i)
      const weight = t(conv(c, x, t(c.f, 10 + i)).shape, 20 + i)
      return tf.grad((f: tf.Tensor) => tf.sum(tf.mul(conv(c, x, f), weight)))(t(c.f, 10 + i))
    }),
  Conv2DBackpropInput: () =>
    convs.map((c, i) => {
      const f = t(c.f, 10 + i)
      const weight = t(conv(c, t(c.x, i), f).shape, 20 + i)
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(conv(c, x, f), weight)))(t(c.x, i))
    }),
  Cumsum: () => [tf.cumsum(t([12], 1)), tf.cumsum(ints([1, 0, 2, 1, 1]), 0, true)],
  Equal: () => [tf.cast(tf.equal(tf.round(tf.mul(t([12], 1), 2)), 1), 'float32')],
  Exp: () => [tf.exp(t([4, 5], 1))],
  GatherV2: () => [
    tf.gather(t([4, 6], 1), ints([0, 2, 3]), 1),
    tf.gather(t([3, 3, 5, 4], 2), ints([1, 4]), 2),
  ],
  Greater: () => [tf.cast(tf.greater(t([10], 1), t([10], 2)), 'float32')],
  GreaterEqual: () => [tf.cast(tf.greaterEqual(t([10], 1), 0), 'float32')],
  Identity: () => [tf.clone(t([3, 4], 1))],
  LessEqual: () => [tf.cast(tf.lessEqual(ints([0, 3, 1, 2]), 1), 'float32')],
  Log: () => [tf.log(positive([4, 5], 1))],
  LogicalAnd: () => [tf.cast(tf.logicalAnd(tf.greater(t([8], 1), 0), tf.greater(t([8], 2), 0)), 'float32')],
  LogicalOr: () => [tf.cast(tf.logicalOr(tf.greater(t([8], 1), 0), tf.greater(t([8], 2), 0)), 'float32')],
  Max: () => [tf.max(t([6, 9], 1), 1), tf.max(t([40], 2))],
  MaxPool: () => [tf.maxPool(t([2, 8, 8, 3], 1) as tf.Tensor4D, 2, 2, 'valid')],
  MaxPoolGrad: () => [
    tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), t([2, 4, 4, 3], 2))),
    )(t([2, 8, 8, 3], 1)),
  ],
  Mean: () => [tf.mean(t([2, 4, 4, 6], 1), [1, 2]), tf.mean(t([3, 5, 5, 4], 2), [0, 1, 2])],
  Min: () => [tf.min(t([30], 1)), tf.min(t([4, 7], 2), 0)],
  Multiply: () => [tf.mul(t([4, 6], 1), t([6], 2)), tf.mul(t([3, 3, 4, 5], 3), 0.5)],
  Neg: () => [tf.neg(t([7], 1))],
  OneHot: () => [tf.oneHot(ints([0, 3, 9, 1]), 10)],
  Pack: () => [tf.stack([t([3], 1), t([3], 2)])],
  Pow: () => [tf.pow(positive([6], 1), 2), tf.pow(positive([6], 2), t([6], 3))],
  RealDiv: () => [tf.div(t([4, 6], 1), positive([6], 2))],
  Relu: () => [tf.relu(t([5, 5], 1))],
  Reshape: () => [tf.reshape(t([2, 3, 4], 1), [6, 4])],
  Rsqrt: () => [tf.rsqrt(positive([9], 1))],
  Select: () => [tf.where(tf.greater(t([3, 4], 1), 0), t([3, 4], 2), tf.scalar(-1))],
  Slice: () => [tf.slice(t([4, 6], 1), [1, 2], [2, 3]), tf.slice(ints([5, 6, 7, 8]), [2], [1])],
  Square: () => [tf.square(t([8], 1))],
  Step: () => [tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.relu(x), t([9], 2))))(t([9], 1))],
  Sub: () => [tf.sub(t([4, 6], 1), t([6], 2)), tf.sub(ints([3, 2]), ints([1, 5]))],
  Sum: () => [tf.sum(t([2, 4, 4, 6], 1), [0, 1, 2]), tf.sum(t([50], 2)), tf.sum(ints([1, 2, 3]))],
  Tile: () => [tf.tile(t([2, 3], 1), [3, 2])],
  TopK: () => {
    // Distinct values: the order of equal ones is backend-defined (the engine never relies on it).
    const { values, indices } = tf.topk(tf.tensor1d([0.3, -0.2, 0.9, 0.1, 0.5, -0.7, 0.8]), 3)
    return [values, indices]
  },
  softmaxCrossEntropy__op: () => [
    tf.losses.softmaxCrossEntropy(tf.oneHot(ints([1, 0, 4]), 5), t([3, 5], 1)),
    tf.grad((logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.oneHot(ints([1, 0, 4]), 5), logits))(
      t([3, 5], 2),
    ),
  ],
}

async function outputsOf(kernel: string): Promise<{ dtype: string; values: number[] }[]> {
  const outputs = tf.tidy(parityCases[kernel]!)
  const read = await Promise.all(
    outputs.map(async (o) => ({ dtype: o.dtype, values: Array.from(await o.data()) })),
  )
  tf.dispose(outputs)
  return read
}

describeWebgpu('webgpu kernels against cpu (SwiftShader)', () => {
  let dispatched: string[] = []

  beforeAll(async () => {
    await pickBackend('webgpu')
    dispatched = await chaseRunKernels()
  }, 600_000)
  afterAll(() => stopWebgpuBackend())

  it('has a parity case for every kernel a Chase run dispatches on webgpu', () => {
    expect(dispatched.length).toBeGreaterThan(30)
    expect(dispatched.filter((name) => !(name in parityCases))).toEqual([])
  })

  it('has cases that really dispatch their kernel', async () => {
    for (const kernel of Object.keys(parityCases)) {
      // Kernels of our own ops exist on webgpu only (cpu runs their composite): checked there.
      await tf.setBackend(kernel.startsWith('Chase') ? 'webgpu' : 'cpu')
      const profile = await tf.profile(() => tf.dispose(tf.tidy(parityCases[kernel]!)))
      expect(
        profile.kernels.map((k) => k.name),
        kernel,
      ).toContain(kernel)
    }
  })

  // tfjs-webgpu runs an op on the CPU when its inputs are there and small (under 1,000 elements): each
  // case runs with that hand-off off (every op a GPU program) and with it as shipped.
  it.each(Object.keys(parityCases))('%s matches cpu', async (kernel) => {
    await tf.setBackend('cpu')
    const expected = await outputsOf(kernel)
    await pickBackend('webgpu')
    expect(tf.getBackend()).toBe('webgpu')
    const threshold = tf.env().getNumber('WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD')
    for (const handOff of [0, threshold]) {
      tf.env().set('WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD', handOff)
      try {
        const actual = await outputsOf(kernel)
        expect(actual.map((o) => o.dtype)).toEqual(expected.map((o) => o.dtype))
        actual.forEach((output, i) => {
          const reference = expected[i]!.values
          const where = `${kernel} output ${i}, CPU hand-off under ${handOff} elements`
          expect(output.values.length, where).toBe(reference.length)
          if (output.dtype !== 'float32') return expect(output.values, where).toEqual(reference)
          // Float32 sums in another order: errors relative to the output's scale.
          const scale = Math.max(1, ...reference.map(Math.abs))
          const worst = Math.max(0, ...output.values.map((v, j) => Math.abs(v - reference[j]!)))
          expect(worst / scale, where).toBeLessThan(2e-5)
        })
      } finally {
        tf.env().set('WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD', threshold)
      }
    }
  })
})
