import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/shared/rng'
import { exportLayersModel, loadExportedModel } from '../../../src/trainer/model/export'
import { disposeParameters } from '../../../src/trainer/model/parameters'
import { slimNetwork } from '../../../src/trainer/model/slim'
import { inference, randomBatch, relativeError, sgdStep, smallNetwork, useCpu } from './testNetwork'

const root = mkdtempSync(join(tmpdir(), 'chase-export-'))
beforeAll(useCpu)
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('export as a tfjs Layers model', () => {
  it.each([
    ['vgg11', [16, 16, 3]],
    ['resnet20', [8, 8, 3]],
    ['resnet50', [8, 8, 3]],
    ['cnn-small', [12, 12, 1]],
    ['mlp', [6, 6, 1]],
  ] as const)(
    '%s loads back with tf.loadLayersModel and predicts what forward() predicts',
    async (name, input) => {
      const { spec, params } = smallNetwork(name, { input })
      // One training step so the BN running statistics are no longer their (0, 1) start.
      const x = randomBatch(spec, 4, 1)
      const labels = tf.tensor1d([0, 1, 2, 3], 'int32')
      sgdStep(spec, params, x, labels, 0.01)
      const dir = join(root, name)
      const saved = await exportLayersModel(spec, params, `file://${dir}`)
      expect(saved.modelArtifactsInfo.weightDataBytes).toBeGreaterThan(0)
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
        format: string
        weightsManifest: { paths: string[] }[]
      }
      expect(json.format).toBe('layers-model')
      expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin'])
      expect(statSync(join(dir, 'weights.bin')).size).toBe(saved.modelArtifactsInfo.weightDataBytes)
      const model = await loadExportedModel(dir)
      const expected = inference(spec, params, x)
      const actual = model.predict(x) as tf.Tensor
      expect(actual.shape).toEqual(expected.shape)
      expect(relativeError(actual, expected)).toBeLessThan(1e-5)
      model.dispose()
      tf.dispose([x, labels, expected, actual])
      disposeParameters(params)
    },
  )

  it('exports a slimmed network at its slim widths', async () => {
    const { spec, params } = smallNetwork('resnet18', { input: [8, 8, 3] })
    const rng = Rng.fromSeed(3)
    const alive = new Map(
      spec.channelGroups.map((g) => [
        g.name,
        Uint8Array.from({ length: g.channels }, (_, c) => (c === 0 || rng.next() < 0.5 ? 1 : 0)),
      ]),
    )
    const slim = slimNetwork(spec, params, alive)
    const dir = join(root, 'resnet18-slim')
    await exportLayersModel(slim.spec, slim.params, dir)
    const model = await loadExportedModel(dir)
    const conv1 = model.getLayer('layer1.0.conv1').getWeights()[0]!
    expect(conv1.shape[3]).toBe(alive.get('layer1.0.conv1')!.reduce((a, b) => a + b, 0))
    const x = randomBatch(spec, 2, 5)
    const expected = inference(slim.spec, slim.params, x)
    const actual = model.predict(x) as tf.Tensor
    expect(relativeError(actual, expected)).toBeLessThan(1e-5)
    model.dispose()
    tf.dispose([x, expected, actual])
    disposeParameters(slim.params)
    disposeParameters(params)
  })

  it('writes the PyTorch BN momentum as the tfjs one and pads explicitly', async () => {
    const { spec, params } = smallNetwork('vgg11', { input: [16, 16, 3] })
    const dir = join(root, 'vgg-topology')
    await exportLayersModel(spec, params, dir)
    const text = readFileSync(join(dir, 'model.json'), 'utf8')
    const layers = (
      JSON.parse(text) as {
        modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }
      }
    ).modelTopology.config.layers
    const bn = layers.find((l) => l.config.name === 'features.1')!
    expect(bn.class_name).toBe('BatchNormalization')
    expect(bn.config.momentum).toBeCloseTo(0.9, 10)
    expect(layers.find((l) => l.config.name === 'features.0.pad')!.class_name).toBe('ZeroPadding2D')
    expect(layers.find((l) => l.config.name === 'features.0')!.config.padding).toBe('valid')
    disposeParameters(params)
  })
})
