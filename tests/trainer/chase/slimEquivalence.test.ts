import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import type { ModelSpec } from '../../../src/shared/models/modelSpec'
import { buildModel } from '../../../src/shared/models/registry'
import { SpecBuilder } from '../../../src/shared/models/specBuilder'
import { forward, updateRunningStats, type BatchStats } from '../../../src/trainer/model/forward'
import { disposeParameters } from '../../../src/trainer/model/parameters'
import { slimNetwork } from '../../../src/trainer/model/slim'
import { createHarness, cutProblems, testConfig, type Harness } from './engineHarness'
import { crossEntropy, randomBatch, relativeError } from '../model/testNetwork'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** A conv whose channels a dense layer reads through a flatten (consumer columns repeat per position). */
function flattenNet(): ModelSpec {
  const b = new SpecBuilder([6, 6, 2])
  const conv = b.conv('conv', b.inputName, { out: 6, kernel: 3, bias: true, init: 'kaiming-normal-fan-out' })
  const x = b.flatten('flatten', b.relu('relu', b.batchNorm('bn', conv)))
  const logits = b.dense('fc', x, { out: 10, bias: true, init: 'torch-default' })
  return b.build({
    name: 'flatten-net',
    family: 'test',
    classes: 10,
    widthMultiplier: 1,
    output: logits,
    channelGroups: [b.group(conv, ['fc'], 'bn')],
  })
}

/** Real training steps: forward, dense gradients by parameter name, SGD, engine. */
async function train(h: Harness, steps: number): Promise<void> {
  const names = new Map([...h.params].filter(([, v]) => v.trainable).map(([name, v]) => [v.name, name]))
  const trainable = [...h.params.values()].filter((v) => v.trainable)
  for (let step = 1; step <= steps; step++) {
    const x = randomBatch(h.spec, 4, step)
    const labels = tf.tensor1d(
      [0, 1, 2, 3].map((i) => (i + step) % 10),
      'int32',
    )
    let stats: BatchStats = {}
    const { value, grads } = tf.variableGrads(() => {
      const out = forward(h.spec, h.params, x, { training: true })
      stats = out.batchStats
      return crossEntropy(out.logits, labels)
    }, trainable)
    updateRunningStats(h.spec, h.params, stats)
    const byParam = new Map(Object.entries(grads).map(([varName, g]) => [names.get(varName)!, g]))
    h.sgd.step(byParam)
    await h.engine.onStep(step, byParam)
    tf.dispose([x, labels, value, ...Object.values(grads)])
  }
}

const cases: Record<string, () => ModelSpec> = {
  'VGG-like (vgg11 ×1/16)': () =>
    buildModel('vgg11', { input: [16, 16, 3], classes: 10, widthMultiplier: 0.0625 }),
  'ResNet-like (resnet50 ×1/32)': () =>
    buildModel('resnet50', { input: [8, 8, 3], classes: 10, widthMultiplier: 0.03125 }),
  'conv → flatten → dense': flattenNet,
  // Prune skip: the residual stream of each stage is one tied group (stem/projection + every conv2/conv3).
  'prune-skip ResNet-20 (×1/4)': () =>
    buildModel('resnet20-prune-skip', { input: [8, 8, 3], classes: 10, widthMultiplier: 0.25 }),
  'prune-skip ResNet-32 (×1/4)': () =>
    buildModel('resnet32-prune-skip', { input: [8, 8, 3], classes: 10, widthMultiplier: 0.25 }),
  'prune-skip ResNet-50 (×1/32)': () =>
    buildModel('resnet50-prune-skip', { input: [8, 8, 3], classes: 10, widthMultiplier: 0.03125 }),
}

for (const [title, build] of Object.entries(cases)) {
  describe(`invariant 3 on a ${title}: the masked network equals the slimmed one`, () => {
    let h: Harness
    beforeAll(async () => {
      h = createHarness(build(), testConfig())
      // Through 2 channel events (steps 8, 18) and 4 prune-and-grow updates, with real gradients.
      await train(h, 20)
    })
    afterAll(() => h.dispose())

    it('has removed channels and cut them cleanly', async () => {
      expect(h.engine.scalars(20).channelSparsity).toBeGreaterThan(0)
      expect(await cutProblems(h)).toEqual([])
    })

    if (title.startsWith('prune-skip'))
      it('removes residual-stream channels, cut from every producer and consumer of the stage', async () => {
        const streams = h.spec.channelGroups.filter((g) => (g.tied ?? []).length > 0)
        expect(streams.length).toBeGreaterThan(0)
        const alive = h.engine.aliveChannels()
        const removed = streams.reduce((n, g) => n + alive.get(g.name)!.filter((a) => a === 0).length, 0)
        expect(removed).toBeGreaterThan(0)
        const slim = slimNetwork(h.spec, h.params, alive)
        for (const g of streams) {
          const kept = alive.get(g.name)!.filter((a) => a === 1).length
          for (const name of [g.producer, ...g.tied!])
            expect(slim.params.get(`${name}.weight`)!.shape.at(-1), name).toBe(kept)
        }
        disposeParameters(slim.params)
      })

    it('gives the same eval-mode logits as the physically slimmed network', async () => {
      const slim = slimNetwork(h.spec, h.params, h.engine.aliveChannels())
      const x = randomBatch(h.spec, 3, 77)
      const masked = forward(h.spec, h.params, x, { training: false }).logits
      const slimmed = forward(slim.spec, slim.params, x, { training: false }).logits
      expect(relativeError(slimmed, masked)).toBeLessThan(1e-5)
      tf.dispose([x, masked, slimmed])
      disposeParameters(slim.params)
    })
  })
}
