import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildModel } from '../../../src/shared/models/registry'
import { Rng } from '../../../src/shared/rng'
import { Sgd } from '../../../src/trainer/chase/sgd'
import { createParameters, disposeParameters } from '../../../src/trainer/model/parameters'

describe('parameter memory', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu')
  })

  it('leaves no tensor behind once the parameters and the optimizer are disposed', () => {
    const before = tf.memory().numTensors
    const spec = buildModel('vgg11', { input: [16, 16, 3], classes: 10, widthMultiplier: 0.125 })
    const params = createParameters(spec, Rng.fromSeed(1, 2))
    const sgd = new Sgd(new Map([...params].filter(([, v]) => v.trainable)), {
      learningRate: 0.1,
      momentum: 0.9,
      weightDecay: 5e-4,
    })
    expect(tf.memory().numTensors).toBeGreaterThan(before)
    sgd.dispose()
    disposeParameters(params)
    expect(tf.memory().numTensors).toBe(before)
  })
})
