import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, it } from 'vitest'
import type { BackendChoice } from '../../../src/shared/backends/backendNames'
import type { TrainerToHost } from '../../../src/shared/protocol/trainerMessages'
import { fixtures, startTrainer, tinyConfig } from '../../support/trainerProcess'
import { describeWebgpu } from '../backend/webgpu/softwareGpu'

/** A small real run: cnn-small ×1/4 on 120 Fashion-MNIST images (fixture), 2 epochs, Chase on. */
async function train(backend: BackendChoice) {
  const config = tinyConfig({
    model: { arch: 'cnn-small', widthMultiplier: 0.25 },
    data: {
      dataset: 'fashion-mnist',
      path: resolve(fixtures, 'fashion-mnist'),
      validationSplit: 0.1,
      trainLimit: 120,
      testLimit: 100,
    },
    optim: { epochs: 2, batchSize: 12 },
    system: { backend, logInterval: 1 },
  })
  const run = startTrainer(mkdtempSync(join(tmpdir(), `${backend}-run-`)), config)
  const done = await run.waitFor((m) => m.type === 'done' || m.type === 'failed')
  expect(done.type, JSON.stringify(done)).toBe('done')
  expect((await run.exited).code).toBe(0)
  const points = (key: string) =>
    run.messages
      .flatMap((m: TrainerToHost) => (m.type === 'metrics' ? m.points : []))
      .filter((p) => p.key === key)
  return { messages: run.messages, points }
}

describeWebgpu('a Chase run on webgpu (SwiftShader)', () => {
  it('trains Fashion-MNIST end to end in the trainer process as wasm does, records the adapter, and exits', async () => {
    const wasm = await train('wasm')
    const webgpu = await train('webgpu')

    expect(webgpu.messages.find((m) => m.type === 'backend')).toMatchObject({
      backend: { name: 'webgpu', adapter: { software: true } },
    })
    expect(webgpu.messages.some((m) => m.type === 'channelEvent')).toBe(true)
    expect(webgpu.messages.some((m) => m.type === 'maskUpdate')).toBe(true)
    // Same seed and config: step 1's loss (before any update) is the same computation on both backends.
    const [first] = webgpu.points('train/loss')
    const [reference] = wasm.points('train/loss')
    expect(first!.step).toBe(reference!.step)
    expect(first!.step).toBe(1)
    expect(Math.abs(first!.value - reference!.value) / reference!.value).toBeLessThan(1e-5)
    // Both evaluate every epoch (this run is too small to learn much: accuracy is compared at a larger
    // scale in the closing measurement, not here).
    expect(webgpu.points('test/accuracy').map((p) => p.step)).toEqual(
      wasm.points('test/accuracy').map((p) => p.step),
    )
    expect(webgpu.points('test/accuracy').every((p) => p.value >= 0 && p.value <= 1)).toBe(true)
  }, 600_000)
})
