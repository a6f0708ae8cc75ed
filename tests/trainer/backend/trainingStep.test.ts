import * as tf from '@tensorflow/tfjs-core'
// Gradient functions (tfjs-core's Node bundle registers none; tfjs-layers registers them all).
import '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/shared/rng'
import { initBackend } from '../../../src/trainer/backend/pickBackend'
import { parityTolerance, randomValues, relativeError } from './wasm/parity'

/**
 * A small CNN with every layer kind our models use (3×3 pad-1 and 1×1 convs at strides 1 and 2, batch
 * norm from batch moments, ReLU, max and average pooling, global average pool, dense, softmax
 * cross-entropy): all its parameter gradients on wasm against cpu.
 */
const rng = Rng.fromSeed(17, 1)
const shapes: Record<string, number[]> = {
  conv1: [3, 3, 3, 8],
  conv2: [3, 3, 8, 12],
  conv3: [1, 1, 12, 16],
  gamma1: [8],
  beta1: [8],
  gamma2: [12],
  beta2: [12],
  dense: [16, 5],
  bias: [5],
}
const values = Object.fromEntries(
  Object.entries(shapes).map(([name, shape]) => [
    name,
    randomValues(
      rng,
      shape.reduce((a, b) => a * b),
    ),
  ]),
)
const input = randomValues(rng, 4 * 12 * 12 * 3)
const labels = Array.from({ length: 4 }, (_, i) => i % 5)

function batchNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2])
  return tf.add(tf.mul(tf.sub(x, mean), tf.mul(gamma, tf.rsqrt(tf.add(variance, 1e-5)))), beta)
}

function loss(p: Record<string, tf.Tensor>): tf.Scalar {
  const x = tf.tensor4d(input, [4, 12, 12, 3])
  let h = tf.relu(batchNorm(tf.conv2d(x, p.conv1 as tf.Tensor4D, 1, 1), p.gamma1!, p.beta1!)) as tf.Tensor4D
  h = tf.maxPool(h, 2, 2, 'valid')
  h = tf.relu(batchNorm(tf.conv2d(h, p.conv2 as tf.Tensor4D, 2, 1), p.gamma2!, p.beta2!)) as tf.Tensor4D
  h = tf.avgPool(h, 2, 2, 'valid')
  h = tf.relu(tf.conv2d(h, p.conv3 as tf.Tensor4D, 1, 0))
  const logits = tf.add(tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, p.dense as tf.Tensor2D), p.bias!)
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 5), logits) as tf.Scalar
}

async function gradientsOn(backend: 'cpu' | 'wasm'): Promise<Record<string, Float32Array>> {
  await tf.setBackend(backend)
  return tf.tidy(() => {
    const params = Object.fromEntries(
      Object.entries(values).map(([name, v]) => [name, tf.tensor(v, shapes[name])]),
    )
    const names = Object.keys(params)
    const grads = tf.grads((...tensors: tf.Tensor[]) =>
      loss(Object.fromEntries(names.map((n, i) => [n, tensors[i]!]))),
    )(names.map((n) => params[n]!))
    return Object.fromEntries(names.map((n, i) => [n, Float32Array.from(grads[i]!.dataSync())]))
  })
}

beforeAll(async () => {
  await initBackend('wasm', { threads: 1 })
})

describe('a CNN training step on wasm', () => {
  it('gives every parameter the gradient cpu gives it', async () => {
    const expected = await gradientsOn('cpu')
    const actual = await gradientsOn('wasm')
    for (const name of Object.keys(shapes)) {
      expect(relativeError(actual[name]!, expected[name]!), name).toBeLessThan(parityTolerance)
    }
  })
})
