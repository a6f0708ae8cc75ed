import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { RunStore } from '../../../src/main/host/runStore'
import { isProcessAlive } from '../../../src/main/host/staleRunSweep'
import { quickConfig, tempDataDir, testHost } from './hostHarness'

const until = async (check: () => boolean, timeoutMs = 20_000) => {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}

const stepsOf = (store: RunStore, runId: string) =>
  store.series.metrics(runId, { keys: ['train/m0'] })[0]?.steps ?? []

describe('crash recovery', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('SIGKILL of a trainer mid-run: interrupted, flushed metrics kept, database sound, resume completes', async () => {
    const t = tempDataDir()
    const host = testHost(t.dir, { steps: 300, stepMs: 4, checkpointEvery: 40 })
    cleanups.push(t.cleanup, () => host.close(1000))
    const run = host.supervisor.create({ config: quickConfig() })
    await until(() => (host.store.getSummary(run.id)?.lastCheckpointStep ?? 0) >= 80)
    host.supervisor.flusher.flush()
    const flushedBeforeKill = stepsOf(host.store, run.id).length
    process.kill(host.store.getDetail(run.id)!.pid!, 'SIGKILL')

    const end = await host.supervisor.waitFor(run.id)
    expect(end.status).toBe('interrupted')
    expect(end.failure).toMatchObject({ reason: 'killed', signal: 'SIGKILL' })
    const kept = stepsOf(host.store, run.id)
    expect(kept.length).toBeGreaterThanOrEqual(flushedBeforeKill)
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => i + 1))
    expect(host.store.integrityCheck()).toBe('ok')

    host.supervisor.resume(run.id)
    expect((await host.supervisor.waitFor(run.id)).status).toBe('completed')
    expect(stepsOf(host.store, run.id)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1))
  })

  it('SIGKILL of the host itself: the next start marks the run interrupted and resume completes it', async () => {
    const t = tempDataDir()
    cleanups.push(t.cleanup)
    const tsx = createRequire(import.meta.url).resolve('tsx')
    const child = spawn(
      process.execPath,
      ['--import', tsx, resolve(import.meta.dirname, '../../fixtures/trainers/fixtureHost.ts'), t.dir],
      {
        env: {
          ...process.env,
          FIXTURE_TRAINER: JSON.stringify({ steps: 400, stepMs: 5, checkpointEvery: 30 }),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    cleanups.push(() => void child.kill('SIGKILL'))
    const runId = await new Promise<string>((resolveId, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /run (\S+)/.exec(chunk.toString())
        if (match) resolveId(match[1]!)
      })
      child.once('exit', () => reject(new Error('the fixture host exited early')))
    })
    const reader = RunStore.open({ dbPath: resolve(t.dir, 'workbench.db'), dataDir: t.dir })
    await until(() => (reader.getSummary(runId)?.lastCheckpointStep ?? 0) >= 60)
    const trainerPid = reader.getDetail(runId)!.pid!
    expect(reader.getSummary(runId)!.status).toBe('running')

    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    // The orphaned trainer notices its host is gone and exits.
    await until(() => !isProcessAlive(trainerPid), 10_000)
    expect(reader.getSummary(runId)!.status).toBe('running')
    expect(reader.integrityCheck()).toBe('ok')
    reader.close()

    const host = testHost(t.dir, { steps: 400, stepMs: 1, checkpointEvery: 30 })
    cleanups.push(() => host.close(1000))
    const swept = host.store.getSummary(runId)!
    expect(swept.status).toBe('interrupted')
    expect(swept.failure?.reason).toBe('host-exited')
    host.supervisor.resume(runId)
    const end = await host.supervisor.waitFor(runId)
    expect(end.status).toBe('completed')
    expect(stepsOf(host.store, runId)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1))
  })
})
