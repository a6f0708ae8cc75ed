import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readCheckpoint } from '../../../src/node/checkpointFile'
import type { TrainerToHost } from '../../../src/shared/protocol/trainerMessages'
import { startTrainer, tinyConfig } from '../../support/trainerProcess'

describe('exact resume', () => {
  it('ends a run SIGKILLed mid-epoch and resumed with the weights of an uninterrupted run, bit for bit', async () => {
    const config = tinyConfig({
      system: { backend: 'wasm', logInterval: 4, checkpointInterval: { value: 5, unit: 'steps' } },
    })

    const straightDir = mkdtempSync(join(tmpdir(), 'resume-a-'))
    const straight = startTrainer(straightDir, config)
    await straight.waitFor((m) => m.type === 'done')
    expect((await straight.exited).code).toBe(0)

    const killedDir = mkdtempSync(join(tmpdir(), 'resume-b-'))
    const killed = startTrainer(killedDir, config)
    // Step 15 is mid-way through epoch 2 (11 steps an epoch): kill right after that checkpoint lands.
    await killed.waitFor((m) => m.type === 'checkpoint' && m.step === 15)
    killed.child.kill('SIGKILL')
    expect((await killed.exited).signal).toBe('SIGKILL')

    const resumed = startTrainer(killedDir, config, join(killedDir, 'checkpoint.ckpt'))
    await resumed.waitFor((m) => m.type === 'done')
    expect((await resumed.exited).code).toBe(0)
    const firstStep = resumed.messages.find((m) => m.type === 'progress')
    expect(firstStep).toMatchObject({ step: 16 })
    // The first loss point after the resume averages steps 13–16, as the uninterrupted run's does.
    const lossAt = (messages: readonly TrainerToHost[], step: number) =>
      messages
        .flatMap((m) => (m.type === 'metrics' ? m.points : []))
        .find((p) => p.key === 'train/loss' && p.step === step)?.value
    expect(lossAt(resumed.messages, 16)).toBeDefined()
    expect(lossAt(resumed.messages, 16)).toBe(lossAt(straight.messages, 16))

    const a = readCheckpoint<{ progress: { step: number } }>(join(straightDir, 'checkpoint.ckpt'))
    const b = readCheckpoint<{ progress: { step: number } }>(join(killedDir, 'checkpoint.ckpt'))
    expect(b.meta.progress.step).toBe(a.meta.progress.step)
    expect([...b.tensors.keys()].sort()).toEqual([...a.tensors.keys()].sort())
    const differing = [...a.tensors].filter(
      ([name, t]) =>
        Buffer.compare(Buffer.from(t.data.buffer), Buffer.from(b.tensors.get(name)!.data.buffer)) !== 0,
    )
    expect(differing.map(([name]) => name)).toEqual([])
  })
})
