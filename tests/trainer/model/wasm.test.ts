import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { modelNames } from '../../../src/shared/models/registry'
import { initBackend } from '../../../src/trainer/backend/pickBackend'
import { forward, disposeBatchStats } from '../../../src/trainer/model/forward'
import { disposeParameters, gradientsByName, trainableVariables } from '../../../src/trainer/model/parameters'
import { crossEntropy, randomBatch, sgdStep, smallNetwork } from './testNetwork'

beforeAll(async () => {
  await initBackend('wasm')
})

function inputFor(name: string): [number, number, number] {
  return name.startsWith('vgg') ? [16, 16, 3] : [8, 8, 3]
}

describe('the builder on the wasm backend', () => {
  it.each(modelNames())('%s trains one SGD step on wasm', (name) => {
    expect(tf.getBackend()).toBe('wasm')
    const { spec, params } = smallNetwork(name, { input: inputFor(name) })
    const x = randomBatch(spec, 8, 1)
    const labels = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32')
    const before = tf.memory().numTensors
    const loss0 = sgdStep(spec, params, x, labels, 0.001)
    expect(sgdStep(spec, params, x, labels, 0.001)).toBeLessThan(loss0)
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([x, labels])
    disposeParameters(params)
  })

  it.each(['vgg11', 'resnet20', 'resnet50'])('%s has the same gradients on wasm as on cpu', async (name) => {
    const gradients = async (backend: string): Promise<Map<string, Float32Array>> => {
      await tf.setBackend(backend)
      const { spec, params } = smallNetwork(name, { input: inputFor(name) })
      const x = randomBatch(spec, 4, 2)
      const labels = tf.tensor1d([0, 1, 2, 3], 'int32')
      const { value, grads } = tf.variableGrads(() => {
        const out = forward(spec, params, x, { training: true })
        disposeBatchStats(out.batchStats)
        return crossEntropy(out.logits, labels)
      }, trainableVariables(params))
      const values = new Map(
        [...gradientsByName(params, grads)].map(([n, g]) => [n, g.dataSync() as Float32Array]),
      )
      tf.dispose([x, labels, value, ...Object.values(grads)])
      disposeParameters(params)
      return values
    }
    const cpu = await gradients('cpu')
    const wasm = await gradients('wasm')
    expect([...wasm.keys()]).toEqual([...cpu.keys()])
    // Scale each tensor's error by its own largest gradient, floored at 1 % of the network's largest: a conv
    // bias before BN has an exactly-zero true gradient, so only float noise is there to compare.
    const largest = (g: Float32Array): number => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
    const floor = 0.01 * Math.max(...[...cpu.values()].map(largest))
    for (const [param, grad] of cpu) {
      const other = wasm.get(param)!
      const diff = grad.reduce((m, v, i) => Math.max(m, Math.abs(v - other[i]!)), 0)
      expect(diff / Math.max(largest(grad), floor), param).toBeLessThan(5e-3)
    }
  })
})
