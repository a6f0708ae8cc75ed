import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { configHash } from '../../../src/main/host/configHash'
import { computePlan } from '../../../src/shared/chase/plan'
import { applyOverrides } from '../../../src/shared/config/overrides'
import { paperMethods } from '../../../src/shared/config/paperMethods'
import { requireExperimentConfig } from '../../../src/shared/config/parseConfig'
import { getPreset } from '../../../src/shared/config/presets'
import type { ParentPort, TrainerEvent, TrainerToHost } from '../../../src/shared/protocol/trainerMessages'
import { EventEmitter } from '../../../src/trainer/runtime/eventEmitter'
import { RunControl } from '../../../src/trainer/training/runControl'
import { runTraining } from '../../../src/trainer/training/runTraining'

const fixture = resolve(import.meta.dirname, '../../fixtures/data/fashion-mnist')

/**
 * Every row of the paper's table trains from its laptop preset, as the preset says: the run's steps,
 * mask updates (kind and count), channel events and final density and channel sparsity are the plan's.
 * The presets are used as shipped; only the data come from the fixture (600 images: 30 steps).
 */
describe('the paper-table presets train as planned', () => {
  for (const method of paperMethods) {
    const name = method === 'chase' ? 'quick-fashion-mnist' : `quick-fashion-mnist--${method}`
    it(
      name,
      async () => {
        const preset = getPreset(name)
        expect(preset?.table?.method).toBe(method)
        const config = requireExperimentConfig(
          applyOverrides(preset!.config as Parameters<typeof applyOverrides>[0], [
            `data.path=${fixture}`,
            // The plan counts steps from the limit: the fixture's size, so plan and run agree.
            'data.trainLimit=600',
            'system.backend=wasm',
          ]),
        )
        const planned = computePlan(config)
        if (!planned.ok) throw new Error(JSON.stringify(planned.errors))
        const plan = planned.plan

        const messages: TrainerToHost[] = []
        const port: ParentPort = { postMessage: (m: TrainerToHost) => void messages.push(m), onMessage() {} }
        await runTraining(
          {
            runId: name,
            config,
            configHash: configHash(config),
            runDir: mkdtempSync(join(tmpdir(), 'row-')),
          },
          new EventEmitter(port),
          new RunControl(),
        )
        const done = messages.find((m): m is TrainerEvent<'done'> => m.type === 'done')
        expect(done, JSON.stringify(messages.filter((m) => m.type === 'failed'))).toBeDefined()
        const result = done!.result
        const updates = messages.filter((m): m is TrainerEvent<'maskUpdate'> => m.type === 'maskUpdate')
        const events = messages.filter((m): m is TrainerEvent<'channelEvent'> => m.type === 'channelEvent')

        expect(updates.filter((u) => u.mode === 'soft-bound').length).toBe(plan.updates.softBound)
        expect(updates.filter((u) => u.mode === 'classic').length).toBe(plan.updates.classic)
        expect(events.map((e) => e.step)).toEqual(plan.channelEvents.map((e) => e.step))
        const lastStep = Math.max(...messages.flatMap((m) => (m.type === 'progress' ? [m.step] : [0])))
        expect(lastStep).toBe(plan.totalSteps)
        if (method === 'dense') {
          expect(result.density).toBe(1)
          expect(updates).toEqual([])
        } else {
          // MEST's soft bound ends a hair above d (its last grow), the others at d.
          expect(result.density).toBeCloseTo(plan.density, 2)
          expect(updates.length).toBeGreaterThan(0)
        }
        const targetSc = plan.channelEvents.at(-1)?.targetChannelSparsity ?? 0
        expect(result.channelSparsity).toBeCloseTo(targetSc, 1)
        expect(result.flops.gpuSupportedRatio < 1).toBe(targetSc > 0)
        expect(result.best.testAccuracy).toBeGreaterThan(0.1) // above chance: it learned
      },
      180_000,
    )
  }
})
