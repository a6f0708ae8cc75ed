import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { modelNames } from '../../../src/shared/models/registry'
import { forward, updateRunningStats } from '../../../src/trainer/model/forward'
import { disposeParameters, gradientsByName, trainableVariables } from '../../../src/trainer/model/parameters'
import { crossEntropy, inference, randomBatch, sgdStep, smallNetwork, useCpu } from './testNetwork'

beforeAll(useCpu)

describe('forward and one SGD step on the cpu backend', () => {
  it.each(modelNames())(
    '%s trains: the loss on the batch falls after one step, with no tensor leak',
    (name) => {
      // VGG needs 16×16 for its four pools; the ResNets are fast enough on 8×8.
      const { spec, params } = smallNetwork(name, { input: name.startsWith('vgg') ? [16, 16, 3] : [8, 8, 3] })
      const x = randomBatch(spec, 8, 1)
      const labels = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32')
      const before = tf.memory().numTensors
      // A small rate: these narrow, deep nets with BN over few values are steep (VGG-19 leaves the linear regime near 1e-2).
      const loss0 = sgdStep(spec, params, x, labels, 0.001)
      const loss1 = sgdStep(spec, params, x, labels, 0.001)
      expect(Number.isFinite(loss0)).toBe(true)
      expect(loss1).toBeLessThan(loss0)
      expect(tf.memory().numTensors).toBe(before)
      tf.dispose([x, labels])
      disposeParameters(params)
    },
  )

  it('gives the same logits for the same seed and different ones for another', () => {
    const a = smallNetwork('resnet20', {}, 5)
    const b = smallNetwork('resnet20', {}, 5)
    const c = smallNetwork('resnet20', {}, 6)
    const x = randomBatch(a.spec, 2, 3)
    const [la, lb, lc] = [a, b, c].map((n) => inference(n.spec, n.params, x).arraySync())
    expect(la).toEqual(lb)
    expect(la).not.toEqual(lc)
  })

  it('normalises with batch moments in training and running statistics in inference', () => {
    const { spec, params } = smallNetwork('cnn-small', { input: [8, 8, 1] })
    const x = randomBatch(spec, 3, 2)
    const train = forward(spec, params, x, { training: true })
    const moments = train.batchStats['bn1']!
    const expected = tf.tidy(() =>
      tf.moments(tf.conv2d(x as tf.Tensor4D, params.get('conv1.weight') as tf.Tensor4D, 1, 1), [0, 1, 2]),
    )
    expect(moments.count).toBe(3 * 8 * 8)
    expect(moments.mean.arraySync()).toEqual(expected.mean.arraySync())
    // Fresh running stats are (0, 1): inference is then x·γ/√(1 + ε) + β, unlike training.
    const infer = forward(spec, params, x, { training: false })
    expect(infer.batchStats).toEqual({})
    expect(infer.logits.arraySync()).not.toEqual(train.logits.arraySync())
    const mean = moments.mean.dataSync().slice()
    const variance = moments.variance.dataSync().slice()
    updateRunningStats(spec, params, train.batchStats)
    expect(moments.mean.isDisposed).toBe(true)
    const runningMean = params.get('bn1.runningMean')!.dataSync()
    const runningVar = params.get('bn1.runningVar')!.dataSync()
    const n = 3 * 8 * 8
    for (let c = 0; c < mean.length; c++) {
      expect(runningMean[c]).toBeCloseTo(0.1 * mean[c]!, 6)
      expect(runningVar[c]).toBeCloseTo(0.9 + 0.1 * variance[c]! * (n / (n - 1)), 6)
    }
    tf.dispose([x, train.logits, infer.logits, expected.mean, expected.variance])
    disposeParameters(params)
  })

  it('gives gradients to every trainable parameter and none to the running statistics', () => {
    const { spec, params } = smallNetwork('vgg11')
    const x = randomBatch(spec, 2, 4)
    const labels = tf.tensor1d([1, 2], 'int32')
    const { grads, value } = tf.variableGrads(() => {
      const out = forward(spec, params, x, { training: true })
      for (const m of Object.values(out.batchStats)) tf.dispose([m.mean, m.variance])
      return crossEntropy(out.logits, labels)
    })
    const names = [...gradientsByName(params, grads).keys()]
    expect(names).toEqual([...params.keys()].filter((n) => !n.includes('running')))
    expect(trainableVariables(params)).toHaveLength(names.length)
    tf.dispose([x, labels, value, ...Object.values(grads)])
    disposeParameters(params)
  })
})
