import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildModel } from '../../../src/shared/models/registry'
import { Rng } from '../../../src/shared/rng'
import { onnxRuntimeContenders, ortInput } from '../../../src/trainer/bench/onnxRuntimeBench'
import { forward } from '../../../src/trainer/model/forward'
import { createParameters, disposeParameters } from '../../../src/trainer/model/parameters'

describe('ONNX Runtime in the inference benchmark', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu')
  })
  const spec = (model: string, input: number[]) =>
    buildModel(model, { input, classes: 10, widthMultiplier: model === 'vgg11' ? 0.125 : 0.5 })
  const cases = [
    ['vgg11', [32, 32, 3]],
    ['resnet20', [32, 32, 3]],
    // A flattened 28×28×3 map: the linear layer's rows must be reordered to the NCHW flatten order.
    ['mlp', [28, 28, 3]],
  ] as const
  const made: ReturnType<typeof createParameters>[] = []
  afterAll(() => made.forEach(disposeParameters))

  for (const [model, input] of cases) {
    it(`runs ${model} like the tfjs forward pass, within 1e-4`, async () => {
      const network = {
        spec: spec(model, [...input]),
        params: createParameters(spec(model, [...input]), Rng.fromSeed(3, 2)),
      }
      made.push(network.params)
      const ort = await onnxRuntimeContenders(network, network)
      try {
        expect(ort.pairs.map((p) => p.provider)).toContain('cpu')
        const x = tf.randomNormal([3, ...input], 0, 1, 'float32', 7)
        const expected = tf.tidy(() =>
          forward(network.spec, network.params, x, { training: false }).logits.dataSync(),
        )
        const cpu = ort.pairs.find((p) => p.provider === 'cpu')!
        const outputs = await cpu.dense.session.run({ [cpu.dense.inputName]: ortInput(x) })
        x.dispose()
        const actual = outputs.logits!.data as Float32Array
        expect(actual.length).toBe(expected.length)
        let worst = 0
        for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!))
        expect(worst).toBeLessThan(1e-4)
      } finally {
        await ort.release()
      }
    }, 120_000)
  }
})
