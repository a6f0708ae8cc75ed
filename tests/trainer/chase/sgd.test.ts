import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { Sgd } from '../../../src/trainer/chase/sgd'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('Sgd (PyTorch semantics)', () => {
  it('applies g += wd·w; buf = μ·buf + g; w -= lr·buf over two steps', async () => {
    const w = tf.variable(tf.tensor1d([1, -2]))
    const params = new Map([['fc.weight', w]])
    const sgd = new Sgd(params, { learningRate: 0.1, momentum: 0.9, weightDecay: 0.01 })
    const g1 = tf.tensor1d([0.5, 0.25])
    sgd.step(new Map([['fc.weight', g1]]))
    // step 1: g = [0.5 + 0.01, 0.25 − 0.02]; buf = g; w = w − 0.1·buf
    const w1 = [1 - 0.1 * 0.51, -2 - 0.1 * 0.23]
    const got1 = w.dataSync()
    w1.forEach((v, i) => expect(got1[i]).toBeCloseTo(v, 6))
    const g2 = tf.tensor1d([-0.5, 1])
    sgd.step(new Map([['fc.weight', g2]]))
    const buf1 = [0.51, 0.23]
    const gd2 = [-0.5 + 0.01 * w1[0]!, 1 + 0.01 * w1[1]!]
    const buf2 = buf1.map((b, i) => 0.9 * b + gd2[i]!)
    const w2 = w1.map((v, i) => v - 0.1 * buf2[i]!)
    const got = w.dataSync()
    w2.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6))
    const buffer = sgd.buffer('fc.weight')!.dataSync()
    buf2.forEach((v, i) => expect(buffer[i]).toBeCloseTo(v, 6))
    tf.dispose([g1, g2, w])
    sgd.dispose()
  })

  it('leaves non-trainable parameters and parameters without a gradient alone', async () => {
    const stats = tf.variable(tf.tensor1d([3]), false)
    const w = tf.variable(tf.tensor1d([1]))
    const sgd = new Sgd(
      new Map([
        ['bn.runningMean', stats],
        ['fc.weight', w],
      ]),
      { learningRate: 1, momentum: 0.9, weightDecay: 0.1 },
    )
    expect(sgd.buffer('bn.runningMean')).toBeUndefined()
    sgd.step(new Map())
    expect(w.dataSync()[0]).toBe(1)
    expect(stats.dataSync()[0]).toBe(3)
    tf.dispose([stats, w])
    sgd.dispose()
  })

  it('round-trips its momentum buffers through exportState/importState', async () => {
    const w = tf.variable(tf.tensor2d([[1, 2]]))
    const sgd = new Sgd(new Map([['fc.weight', w]]), { learningRate: 0.1, momentum: 0.9, weightDecay: 0 })
    const g = tf.tensor2d([[1, -1]])
    sgd.step(new Map([['fc.weight', g]]))
    const state = await sgd.exportState()
    const other = new Sgd(new Map([['fc.weight', w]]), { learningRate: 0.1, momentum: 0.9, weightDecay: 0 })
    other.importState(state)
    expect(Array.from(other.buffer('fc.weight')!.dataSync())).toEqual([1, -1])
    tf.dispose([w, g])
    sgd.dispose()
    other.dispose()
  })

  it('does not leak tensors across steps', async () => {
    const w = tf.variable(tf.randomNormal([4, 4], 0, 1, 'float32', 1))
    const sgd = new Sgd(new Map([['fc.weight', w]]), { learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4 })
    const g = tf.randomNormal([4, 4], 0, 1, 'float32', 2)
    const before = tf.memory().numTensors
    for (let i = 0; i < 20; i++) sgd.step(new Map([['fc.weight', g]]))
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([w, g])
    sgd.dispose()
  })
})
