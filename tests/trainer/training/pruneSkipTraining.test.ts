import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { computePlan } from '../../../src/shared/chase/plan'
import type { TrainerEvent, TrainerToHost } from '../../../src/shared/protocol/trainerMessages'
import { startTrainer, tinyConfig } from '../../support/trainerProcess'

const cifarFixture = resolve(__dirname, '../../fixtures/data/cifar-10-batches-bin')

describe('prune skip in a real training run', () => {
  it('trains ResNet-32 with prune skip on CIFAR-10 records, removing residual-stream channels', async () => {
    const config = tinyConfig({
      model: { arch: 'resnet32-prune-skip', widthMultiplier: 0.25 },
      data: { dataset: 'cifar10', path: cifarFixture, validationSplit: 0.1 },
      optim: { epochs: 2, batchSize: 50 },
      sparsity: { updateInterval: '2 steps' },
      channels: { sparsity: 0.5, interval: '4 steps', end: '10 steps', floorRatio: 0.5 },
      system: { backend: 'wasm', logInterval: 4 },
    })
    const run = startTrainer(mkdtempSync(join(tmpdir(), 'prune-skip-')), config)
    const done = (await run.waitFor((m) => m.type === 'done' || m.type === 'failed')) as TrainerToHost
    expect(done.type, JSON.stringify(done)).toBe('done')
    expect((await run.exited).code).toBe(0)
    const result = (done as TrainerEvent<'done'>).result
    expect(result.channelSparsity).toBeGreaterThan(0.3)
    expect(result.flops.gpuSupportedRatio).toBeLessThan(1)
    // Whatever channels the run chose, the plan's range holds its measured ratio.
    const plan = computePlan(config)
    if (!plan.ok) throw new Error(JSON.stringify(plan.errors))
    const [low, high] = plan.plan.gpuSupportedRatioRange
    expect(result.flops.gpuSupportedRatio).toBeGreaterThanOrEqual(low - 1e-9)
    expect(result.flops.gpuSupportedRatio).toBeLessThanOrEqual(high + 1e-9)
    // The slimmed network (residual stream cut in every tensor) scores what the masked one did.
    expect(result.slimmedTestAccuracy).toBeCloseTo(result.best.testAccuracy, 6)

    const snapshots = run.messages.filter(
      (m): m is TrainerEvent<'layerSnapshot'> => m.type === 'layerSnapshot',
    )
    const last = snapshots.at(-1)!
    const streams = last.layers.filter((l) => l.group === 'conv' || l.group.endsWith('.shortcut.0'))
    expect(streams.map((l) => l.group)).toEqual(['conv', 'blocks.5.shortcut.0', 'blocks.10.shortcut.0'])
    expect(streams.some((l) => l.alive.includes(0))).toBe(true)
  }, 600_000)
})
