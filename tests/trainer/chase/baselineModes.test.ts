import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { nonzeroTarget } from '../../../src/shared/chase/budget'
import { createHarness, simulate, testConfig, tinyModels, type Harness } from './engineHarness'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const spec = tinyModels['VGG-like (vgg11 ×1/16, 16×16)']!()

/** The engine's masks as 0/1 arrays by tensor. */
const masksOf = async (h: Harness) => (await h.engine.exportState()).masks
const perTensorNnz = async (h: Harness) =>
  Object.fromEntries((await h.engine.snapshot(0)).densities.map((d) => [d.tensor, d.nnz]))

describe('the DST baselines as engine modes (SET, RigL layer-wise and global, RigL-ITOP)', () => {
  const classicNoChannels = (extra: Parameters<typeof testConfig>[0] = {}) =>
    testConfig({
      ...extra,
      sparsity: { exploration: 'classic', dstRateStart: 0.3, dstRateEnd: 0, ...extra.sparsity },
      channels: { enabled: false },
    })

  it('layer scope keeps every tensor at its own count (SET and RigL as published)', async () => {
    for (const regrowth of ['random', 'gradient'] as const) {
      const h = createHarness(spec, classicNoChannels({ sparsity: { updateScope: 'layer', regrowth } }))
      const start = await perTensorNnz(h)
      const records = await simulate(h, { last: 30 })
      const updates = records.filter((r) => r.maskUpdate)
      expect(updates.length).toBe(6)
      for (const r of updates) {
        expect(r.maskUpdate!.pruned).toBeGreaterThan(0)
        expect(r.maskUpdate!.grown).toBe(r.maskUpdate!.pruned)
      }
      expect(await perTensorNnz(h)).toEqual(start)
      h.dispose()
    }
  })

  it('global scope holds the total at round(d·N) while layers drift', async () => {
    const h = createHarness(
      spec,
      classicNoChannels({ sparsity: { updateScope: 'global', regrowth: 'random' } }),
    )
    const budget = nonzeroTarget(0.2, h.engine.plan.maskableWeights)
    const records = await simulate(h, { last: 30 })
    for (const r of records.filter((r) => r.maskUpdate)) expect(r.nnz).toBe(budget)
    h.dispose()
  })

  it('random regrowth grows other weights than gradient regrowth, the same ones for the same seed', async () => {
    const run = async (regrowth: 'random' | 'gradient') => {
      const h = createHarness(spec, classicNoChannels({ sparsity: { regrowth } }), 7)
      await simulate(h, { last: 10, seed: 3 })
      const masks = await masksOf(h)
      h.dispose()
      return masks
    }
    const random = await run('random')
    expect(await run('random')).toEqual(random)
    expect(await run('gradient')).not.toEqual(random)
  })

  it('random regrowth resumes exactly: the draw depends on the seed and step only', async () => {
    const config = classicNoChannels({ sparsity: { regrowth: 'random', updateScope: 'layer' } })
    const whole = createHarness(spec, config, 9)
    await simulate(whole, { last: 30, seed: 4 })
    const first = createHarness(spec, config, 9)
    await simulate(first, { last: 12, seed: 4 })
    const weights = new Map([...first.params].map(([name, v]) => [name, v.dataSync().slice()]))
    const resumed = createHarness(spec, config, 9)
    for (const [name, values] of weights)
      resumed.params.get(name)!.assign(tf.tensor(values, resumed.params.get(name)!.shape))
    resumed.sgd.importState(await first.sgd.exportState())
    resumed.engine.importState(await first.engine.exportState())
    await simulate(resumed, { first: 13, last: 30, seed: 4 })
    expect(await masksOf(resumed)).toEqual(await masksOf(whole))
    for (const h of [whole, first, resumed]) h.dispose()
  })

  it('anneals the RigL fraction to 0 at T_end (phase horizon) and freezes after it', async () => {
    const h = createHarness(
      spec,
      classicNoChannels({
        sparsity: { dstRateHorizon: 'phase', softBoundEnd: '50 steps', finalPhase: 'frozen' },
      }),
    )
    const updates = (await simulate(h, { last: 100 })).filter((r) => r.maskUpdate)
    expect(updates.map((r) => r.step)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45])
    const pruned = updates.map((r) => r.maskUpdate!.pruned)
    for (let i = 1; i < pruned.length; i++) expect(pruned[i]!).toBeLessThanOrEqual(pruned[i - 1]!)
    expect(pruned[0]!).toBeGreaterThan(4 * pruned.at(-1)!)
    h.dispose()
  })

  it('keeps exploring until the last step with the run horizon (RigL-ITOP)', async () => {
    const h = createHarness(spec, classicNoChannels({ sparsity: { softBoundEnd: '100 steps' } }))
    const updates = (await simulate(h, { last: 100 })).filter((r) => r.maskUpdate)
    expect(updates.at(-1)!.step).toBe(100)
    h.dispose()
  })

  it('leaks no tensor across layer-wise random updates', async () => {
    const h = createHarness(
      spec,
      classicNoChannels({ sparsity: { updateScope: 'layer', regrowth: 'random' } }),
    )
    await simulate(h, { last: 5 })
    const before = tf.memory().numTensors
    await simulate(h, { first: 6, last: 40 })
    expect(tf.memory().numTensors).toBe(before)
    h.dispose()
  })
})
