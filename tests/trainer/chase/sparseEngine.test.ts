import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { nonzeroTarget } from '../../../src/shared/chase/budget'
import { softBoundDensityAt } from '../../../src/shared/chase/densitySchedule'
import { ChasePlanError, SparseEngine } from '../../../src/trainer/chase/sparseEngine'
import { Rng } from '../../../src/shared/rng'
import { Sgd } from '../../../src/trainer/chase/sgd'
import { createParameters, disposeParameters } from '../../../src/trainer/model/parameters'
import { buildModel } from '../../../src/shared/models/registry'
import {
  createHarness,
  cutProblems,
  simulate,
  testConfig,
  tinyModels,
  type Harness,
  type StepRecord,
} from './engineHarness'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const lastStep = 100

for (const [title, build] of Object.entries(tinyModels)) {
  describe(`SparseEngine on a ${title}: chase-spec.md §10.3 invariants over a 100-step run`, () => {
    const config = testConfig()
    let h: Harness
    let records: StepRecord[]
    const cutsAfterEvents: string[] = []
    let n: number
    let budget: number

    beforeAll(async () => {
      h = createHarness(build(), config)
      n = h.engine.plan.maskableWeights
      budget = nonzeroTarget(config.sparsity.density, n)
      records = await simulate(h, { last: lastStep }, async (record) => {
        if (record.channelEvent) cutsAfterEvents.push(...(await cutProblems(h)))
      })
    })
    afterAll(() => h.dispose())

    const updates = () => records.filter((r) => r.maskUpdate)
    const events = () => records.filter((r) => r.channelEvent)
    const drAt = (step: number) =>
      softBoundDensityAt(step, { density: 0.2, increment: 0.1, endStep: 80, shape: 'cosine' })

    it('starts at exactly the ERK budget', async () => {
      const fresh = createHarness(build(), config)
      const expected = fresh.engine.plan.layers.reduce((sum, l) => sum + Math.round(l.density * l.weights), 0)
      expect(fresh.engine.nonzeros()).toBe(expected)
      expect(Math.abs(fresh.engine.nonzeros() - config.sparsity.density * n)).toBeLessThanOrEqual(
        fresh.engine.plan.layers.length,
      )
      fresh.dispose()
    })

    it('runs 15 soft-bound and 5 classic updates and 8 channel events', async () => {
      expect(updates().filter((r) => r.maskUpdate!.mode === 'soft-bound')).toHaveLength(15)
      expect(updates().filter((r) => r.maskUpdate!.mode === 'classic')).toHaveLength(5)
      expect(events().map((r) => r.step)).toEqual([8, 18, 28, 38, 48, 58, 68, 78])
    })

    it('invariant 1: prunes to exactly round(d·N) and grows to exactly round(dr(s)·N), also right after channel events', async () => {
      for (const r of updates()) {
        const u = r.maskUpdate!
        const before = records[r.step - 2]!.nnz
        expect(u.nnzAfterPrune).toBe(u.mode === 'soft-bound' ? Math.min(before, budget) : before - u.pruned)
        expect(u.pruned).toBe(before - u.nnzAfterPrune)
        const target = u.mode === 'soft-bound' ? nonzeroTarget(drAt(r.step), n) : budget
        expect(u.densityTarget).toBeCloseTo(u.mode === 'soft-bound' ? drAt(r.step) : 0.2, 12)
        expect(u.nnzAfterGrow).toBe(target)
        expect(r.nnz).toBe(target)
      }
    })

    it('invariant 1: the update after each channel event refills what the event removed', async () => {
      for (const e of events()) {
        const next = updates().find((r) => r.step > e.step)!
        expect(e.nnz).toBeLessThanOrEqual(records[e.step - 2]!.nnz)
        expect(next.maskUpdate!.nnzAfterGrow).toBe(nonzeroTarget(next.maskUpdate!.densityTarget, n))
      }
    })

    it('invariant 2: leaves exactly round(B·(1 − Sc(s))) channels alive after every event, as the plan says', async () => {
      const planned = h.engine.plan.channelEvents
      events().forEach((r, k) => {
        const e = r.channelEvent!
        expect(e.targetAliveChannels).toBe(planned[k]!.targetAliveChannels)
        expect(e.aliveAfter).toBe(e.targetAliveChannels)
        const alive = [...r.alive.values()].reduce((sum, a) => sum + a.reduce((x, y) => x + y, 0), 0)
        expect(alive).toBe(e.aliveAfter)
        expect(e.removed.reduce((sum, g) => sum + g.count, 0)).toBe(e.aliveBefore - e.aliveAfter)
      })
      expect(events().at(-1)!.channelEvent!.aliveAfter).toBe(planned.at(-1)!.targetAliveChannels)
    })

    it('invariant 2: keeps every layer at or above its channel floor', async () => {
      for (const r of events())
        for (const g of r.channelEvent!.removed) expect(g.alive).toBeGreaterThanOrEqual(g.floor)
      for (const r of records) {
        for (const g of h.engine.plan.channelGroups) {
          const alive = r.alive.get(g.name)!.reduce((a, b) => a + b, 0)
          expect(alive).toBeGreaterThanOrEqual(g.minChannels)
        }
      }
    })

    it('invariant 2: never brings a removed channel back', async () => {
      for (let i = 1; i < records.length; i++) {
        for (const [group, alive] of records[i]!.alive) {
          const previous = records[i - 1]!.alive.get(group)!
          alive.forEach((a, c) => {
            if (previous[c] === 0) expect(a).toBe(0)
          })
        }
      }
    })

    it('invariant 2: zeroes the masks, weights and biases of removed rows and consumer columns', async () => {
      expect(cutsAfterEvents).toEqual([])
      expect(await cutProblems(h)).toEqual([])
    })

    it('invariant 6: nnz/N saw-tooths between d and dr(s) with a shrinking tooth, and is flat at d after T_d', async () => {
      const soft = updates().filter((r) => r.maskUpdate!.mode === 'soft-bound')
      for (let i = 1; i < soft.length; i++) {
        expect(soft[i]!.maskUpdate!.densityTarget).toBeLessThanOrEqual(soft[i - 1]!.maskUpdate!.densityTarget)
        expect(Math.abs(soft[i]!.nnz / n - soft[i]!.maskUpdate!.densityTarget)).toBeLessThanOrEqual(1 / n)
      }
      // Between updates the count only moves down, and only at channel events.
      for (let i = 1; i < records.length; i++) {
        const r = records[i]!
        if (r.maskUpdate) continue
        if (r.channelEvent) expect(r.nnz).toBeLessThanOrEqual(records[i - 1]!.nnz)
        else expect(r.nnz).toBe(records[i - 1]!.nnz)
      }
      for (const r of records.filter((r) => r.step >= 80)) expect(r.nnz).toBe(budget)
    })

    it('reports per-step scalars consistent with the counts', async () => {
      const s = h.engine.scalars(lastStep)
      expect(s.density).toBeCloseTo(budget / n, 12)
      expect(s.densityTarget).toBe(0.2)
      expect(s.channelSparsity).toBeCloseTo(
        1 - events().at(-1)!.channelEvent!.aliveAfter / h.engine.plan.baselineChannels,
        12,
      )
      expect(s.aliveRegionDensity).toBeGreaterThan(s.density)
      expect(s.trainingFlopsRatio).toBeGreaterThan(0)
      expect(s.trainingFlopsRatio).toBeLessThan(1)
      const macs = h.engine.forwardMacs()
      expect(macs.gpuSupported).toBeLessThan(macs.dense)
      expect(macs.theoretical).toBeLessThan(macs.gpuSupported)
    })

    it('snapshots per-channel density, UMM and alive flags matching the masks', async () => {
      const snap = await h.engine.snapshot(lastStep)
      expect(snap.layers.map((l) => l.group)).toEqual(h.spec.channelGroups.map((g) => g.name))
      for (const layer of snap.layers) {
        layer.alive.forEach((a, c) => {
          if (!a) {
            expect(layer.density[c]).toBe(0)
            expect(layer.umm[c]).toBe(0)
          }
        })
      }
      const total = snap.densities.reduce((sum, d) => sum + d.nnz, 0)
      expect(total).toBe(h.engine.nonzeros())
      for (const d of snap.densities) expect(d.nnz).toBeLessThanOrEqual(d.aliveSize)
    })
  })
}

describe('SparseEngine determinism, state and memory', () => {
  const spec = tinyModels['VGG-like (vgg11 ×1/16, 16×16)']!()
  const config = testConfig()

  it('gives identical masks, alive vectors and events for the same seed', async () => {
    const a = createHarness(spec, config, 5)
    const b = createHarness(spec, config, 5)
    const ra = await simulate(a, { last: 30, seed: 2 })
    const rb = await simulate(b, { last: 30, seed: 2 })
    expect(rb.map((r) => [r.nnz, r.maskUpdate, r.channelEvent])).toEqual(
      ra.map((r) => [r.nnz, r.maskUpdate, r.channelEvent]),
    )
    expect(await b.engine.exportState()).toEqual(await a.engine.exportState())
    a.dispose()
    b.dispose()
  })

  it('gives different masks for a different seed', async () => {
    const a = createHarness(spec, config, 5)
    const b = createHarness(spec, config, 6)
    expect((await b.engine.exportState()).masks).not.toEqual((await a.engine.exportState()).masks)
    a.dispose()
    b.dispose()
  })

  it('keeps tf.memory().numTensors flat across many steps, updates and events', async () => {
    const h = createHarness(spec, config)
    await simulate(h, { last: 5 })
    const before = tf.memory().numTensors
    await simulate(h, { first: 6, last: 60 })
    await h.engine.snapshot(60)
    await h.engine.exportState()
    expect(tf.memory().numTensors).toBe(before)
    h.dispose()
  })

  it('resumes exactly from exportState: same events and masks as an uninterrupted run', async () => {
    const whole = createHarness(spec, config, 9)
    const wholeRecords = await simulate(whole, { last: 40, seed: 4 })

    const first = createHarness(spec, config, 9)
    await simulate(first, { last: 20, seed: 4 })
    const state = await first.engine.exportState()
    const weights = new Map([...first.params].map(([name, v]) => [name, v.dataSync().slice()]))
    const momentum = await first.sgd.exportState()

    const resumed = createHarness(spec, config, 123)
    for (const [name, values] of weights)
      resumed.params.get(name)!.assign(tf.tensor(values, resumed.params.get(name)!.shape))
    resumed.sgd.importState(momentum)
    resumed.engine.importState(state)
    const rest = await simulate(resumed, { first: 21, last: 40, seed: 4 })
    expect(rest.map((r) => [r.nnz, r.maskUpdate, r.channelEvent])).toEqual(
      wholeRecords.slice(20).map((r) => [r.nnz, r.maskUpdate, r.channelEvent]),
    )
    expect(await resumed.engine.exportState()).toEqual(await whole.engine.exportState())
    for (const h of [whole, first, resumed]) h.dispose()
  })

  it('freezes the topology after T_d when the final phase is frozen', async () => {
    const h = createHarness(spec, testConfig({ sparsity: { finalPhase: 'frozen' } }))
    const records = await simulate(h, { last: 100 })
    expect(records.filter((r) => r.step >= 80 && r.maskUpdate)).toEqual([])
    const at = records[78]!.nnz
    for (const r of records.slice(78)) expect(r.nnz).toBe(at)
    h.dispose()
  })

  it('never prunes or grows in static mode, but still removes channels', async () => {
    const h = createHarness(spec, testConfig({ sparsity: { exploration: 'static' } }))
    const records = await simulate(h, { last: 30 })
    expect(records.some((r) => r.maskUpdate)).toBe(false)
    expect(records.filter((r) => r.channelEvent).length).toBe(3)
    h.dispose()
  })

  it('runs classic DST from the start in classic mode, holding nnz at round(d·N)', async () => {
    const h = createHarness(spec, testConfig({ sparsity: { exploration: 'classic' } }))
    const budget = nonzeroTarget(0.2, h.engine.plan.maskableWeights)
    const records = await simulate(h, { last: 20 })
    for (const r of records.filter((r) => r.maskUpdate)) {
      expect(r.maskUpdate!.mode).toBe('classic')
      expect(r.maskUpdate!.pruned).toBeGreaterThan(0)
      expect(r.nnz).toBe(budget)
    }
    h.dispose()
  })

  it('scores channels by the configured criterion (all four run and keep the invariants)', async () => {
    for (const score of ['umm', 'mm', 'kernel', 'connection', 'random'] as const) {
      const h = createHarness(spec, testConfig({ channels: { score } }))
      const records = await simulate(h, { last: 20 })
      for (const r of records.filter((r) => r.channelEvent))
        expect(r.channelEvent!.aliveAfter).toBe(r.channelEvent!.targetAliveChannels)
      expect(await cutProblems(h)).toEqual([])
      h.dispose()
    }
  })

  it('refuses an infeasible config with the reasons', async () => {
    const params = createParameters(spec, Rng.fromSeed(1))
    const sgd = new Sgd(params, { learningRate: 0.1, momentum: 0.9, weightDecay: 0 })
    const config = testConfig({ channels: { interval: '1000 steps' } })
    expect(() =>
      SparseEngine.create({ spec, config, params, optimizer: sgd, rng: Rng.fromSeed(1), stepsPerEpoch: 20 }),
    ).toThrow(ChasePlanError)
    sgd.dispose()
    disposeParameters(params)
  })

  it('refuses parameters that do not belong to the spec, leaking no tensor', async () => {
    const params = createParameters(spec, Rng.fromSeed(1))
    const sgd = new Sgd(params, { learningRate: 0.1, momentum: 0.9, weightDecay: 0 })
    const missing = [...params.keys()].filter((name) => name.endsWith('.weight')).at(-1)!
    const partial = new Map([...params].filter(([name]) => name !== missing))
    const before = tf.memory().numTensors
    expect(() =>
      SparseEngine.create({
        spec,
        config,
        params: partial,
        optimizer: sgd,
        rng: Rng.fromSeed(1),
        stepsPerEpoch: 10,
      }),
    ).toThrow(`parameter "${missing}" is missing`)
    expect(tf.memory().numTensors).toBe(before)
    sgd.dispose()
    disposeParameters(params)
  })

  it('runs a dense network with channel pruning only (sparsity off)', async () => {
    const h = createHarness(
      buildModel('cnn-small', { input: [8, 8, 1], classes: 10, widthMultiplier: 0.5 }),
      testConfig({ sparsity: { enabled: false } }),
    )
    const n = h.engine.plan.maskableWeights
    expect(h.engine.nonzeros()).toBe(n)
    const records = await simulate(h, { last: 30 })
    expect(records.some((r) => r.maskUpdate)).toBe(false)
    expect(records.at(-1)!.nnz).toBeLessThan(n)
    expect(await cutProblems(h)).toEqual([])
    h.dispose()
  })
})
