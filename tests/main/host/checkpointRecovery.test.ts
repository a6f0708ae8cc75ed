import { readdirSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { RunStore } from '../../../src/main/host/runStore'
import { quickConfig, tempDataDir, testHost } from './hostHarness'

const stepsOf = (store: RunStore, runId: string) =>
  store.series.metrics(runId, { keys: ['train/m0'] })[0]?.steps ?? []
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

describe('checkpoint file and database', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('a trainer killed after the rename but before the host recorded it: resume trusts the file and loses no point', async () => {
    const t = tempDataDir()
    cleanups.push(t.cleanup)
    const host = testHost(t.dir, {
      steps: 200,
      stepMs: 3,
      checkpointEvery: 20,
      realCheckpoints: true,
      dieAfterCheckpointAt: 100,
    })
    cleanups.push(() => host.close(2_000))
    const run = host.supervisor.create({ config: quickConfig() })
    const end = await host.supervisor.waitFor(run.id)
    expect(end.status).toBe('interrupted')
    expect(end.lastCheckpointStep).toBe(80)
    expect(stepsOf(host.store, run.id)).toEqual(oneTo(100))

    const resumed = host.supervisor.resume(run.id)
    // What `resume` prints: the step the file holds, not the older one the database had.
    expect(resumed.lastCheckpointStep).toBe(100)
    expect(host.logger.lines.some((l) => /holds step 100, the database said 80/.test(l.message))).toBe(true)
    expect((await host.supervisor.waitFor(run.id)).status).toBe('completed')
    expect(stepsOf(host.store, run.id)).toEqual(oneTo(200))
  }, 120_000)

  it('a damaged checkpoint falls back to the previous one; "start over" trains from step 0 with the same config', async () => {
    const t = tempDataDir()
    cleanups.push(t.cleanup)
    const first = testHost(t.dir, {
      steps: 150,
      stepMs: 3,
      checkpointEvery: 20,
      realCheckpoints: true,
      dieAfterCheckpointAt: 100,
    })
    const run = first.supervisor.create({ config: quickConfig() })
    const other = first.supervisor.create({ config: quickConfig() })
    await first.supervisor.waitFor(run.id)
    await first.supervisor.waitFor(other.id)
    await first.close(2_000)
    const host = testHost(t.dir, { steps: 150, stepMs: 3, checkpointEvery: 20, realCheckpoints: true })
    cleanups.push(() => host.close(2_000))
    const runDir = host.store.getDetail(run.id)!.runDir
    expect(readdirSync(runDir).sort()).toEqual(['checkpoint.ckpt', 'checkpoint.prev.ckpt'])
    // A torn file (a full disk, a bad copy) and a temporary left by a killed writer.
    truncateSync(join(runDir, 'checkpoint.ckpt'), 30)
    writeFileSync(join(runDir, 'checkpoint.ckpt.4242.tmp'), 'half a checkpoint')

    expect(host.supervisor.resume(run.id).lastCheckpointStep).toBe(80)
    expect((await host.supervisor.waitFor(run.id)).status).toBe('completed')
    expect(stepsOf(host.store, run.id)).toEqual(oneTo(150))
    expect(readdirSync(runDir)).not.toContain('checkpoint.ckpt.4242.tmp')
    expect(
      host.logger.lines.some((l) =>
        /is damaged; resuming from the previous one, .*checkpoint\.prev\.ckpt \(step 80\)/.test(l.message),
      ),
    ).toBe(true)

    // Both checkpoints of the other run damaged: start over, same config, from step 0.
    const otherDir = host.store.getDetail(other.id)!.runDir
    truncateSync(join(otherDir, 'checkpoint.ckpt'), 10)
    truncateSync(join(otherDir, 'checkpoint.prev.ckpt'), 10)
    const again = host.supervisor.resume(other.id, { fromStart: true })
    expect(again.lastCheckpointStep).toBeNull()
    expect(stepsOf(host.store, other.id)).toEqual([])
    expect(host.store.getDetail(other.id)!.config).toEqual(host.store.getDetail(run.id)!.config)
    expect((await host.supervisor.waitFor(other.id)).status).toBe('completed')
    expect(stepsOf(host.store, other.id)).toEqual(oneTo(150))
  }, 120_000)
})
