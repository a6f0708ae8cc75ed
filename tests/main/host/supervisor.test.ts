import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { PushEvent } from '../../../src/shared/api/pushEvents'
import type { RunStatus } from '../../../src/shared/api/runRecords'
import { forkTrainerLauncher } from '../../../src/main/host/forkTrainerLauncher'
import type { Host } from '../../../src/main/host/host'
import { quickConfig, tempDataDir, testHost, type FixtureBehaviour } from './hostHarness'

/** Resolves when a run reaches `status` (as pushed to clients). */
function statusReached(host: Host, runId: string, status: RunStatus): Promise<void> {
  return new Promise((resolve) => {
    if (host.store.getSummary(runId)?.status === status) return resolve()
    const client = host.hub.connect((event) => {
      if (event.type === 'runChanged' && event.run.id === runId && event.run.status === status) {
        client.close()
        resolve()
      }
    })
  })
}

function stepReached(host: Host, runId: string, step: number): Promise<void> {
  return new Promise((resolve) => {
    const client = host.hub.connect((event) => {
      if (event.type === 'runMessage' && event.message.type === 'progress' && event.message.step >= step) {
        client.close()
        resolve()
      }
    })
    client.subscribedRuns.add(runId)
  })
}

describe('Supervisor', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })
  function setup(behaviour: FixtureBehaviour = {}, options: Parameters<typeof testHost>[2] = {}) {
    const t = tempDataDir()
    const host = testHost(t.dir, behaviour, options)
    cleanups.push(t.cleanup, () => host.close(1000))
    return host
  }

  it('runs a trainer to completion: queued → running → completed, result and time series stored', async () => {
    const host = setup({ steps: 60 })
    const events: PushEvent[] = []
    host.hub.connect((e) => events.push(e))
    const run = host.supervisor.create({ config: quickConfig() })
    const end = await host.supervisor.waitFor(run.id)
    expect(end.status).toBe('completed')
    expect(end.result?.final.testAccuracy).toBe(0.78)
    expect(end.backend).toBe('cpu')
    const statuses = events
      .filter((e) => e.type === 'runChanged')
      .map((e) => (e.type === 'runChanged' ? e.run.status : ''))
    expect(statuses).toEqual(['queued', 'running', 'completed'])
    expect(host.store.series.metricKeys(run.id).map((k) => [k.key, k.points])).toEqual([
      ['train/m0', 60],
      ['train/m1', 60],
    ])
    expect(host.store.checkpoints(run.id).map((c) => c.step)).toEqual([25, 50])
    expect(host.store.getDetail(run.id)!.pid).toBeNull()
  })

  it('pauses and resumes a running trainer, then stops it with a checkpoint and resumes it from there', async () => {
    const host = setup({ steps: 400, stepMs: 5, checkpointEvery: 1000 })
    const run = host.supervisor.create({ config: quickConfig() })
    await stepReached(host, run.id, 20)
    expect(host.supervisor.pause(run.id).status).toBe('paused')
    await new Promise((r) => setTimeout(r, 150))
    host.supervisor.flusher.flush()
    const stepWhilePaused = host.store.getSummary(run.id)!.progress!.step
    await new Promise((r) => setTimeout(r, 150))
    host.supervisor.flusher.flush()
    expect(host.store.getSummary(run.id)!.progress!.step).toBe(stepWhilePaused)
    expect(host.supervisor.resume(run.id).status).toBe('running')
    await stepReached(host, run.id, stepWhilePaused + 10)
    host.supervisor.stop(run.id)
    const stopped = await host.supervisor.waitFor(run.id)
    expect(stopped.status).toBe('cancelled')
    const checkpointStep = stopped.lastCheckpointStep!
    expect(checkpointStep).toBeGreaterThan(stepWhilePaused)
    expect(host.supervisor.resume(run.id).status).toBe('queued')
    const resumed = await host.supervisor.waitFor(run.id)
    expect(resumed.status).toBe('completed')
    // Steps after the checkpoint were replayed, not duplicated: one point per step.
    const [m0] = host.store.series.metrics(run.id, { keys: ['train/m0'] })
    expect(m0!.steps).toEqual(Array.from({ length: 400 }, (_, i) => i + 1))
  })

  it('queues runs beyond the concurrency limit and starts them in order', async () => {
    const host = setup({ steps: 30 })
    const first = host.supervisor.create({ config: quickConfig() })
    const second = host.supervisor.create({ config: quickConfig() })
    expect(host.store.getSummary(second.id)!.status).toBe('queued')
    await host.supervisor.waitFor(first.id)
    const end = await host.supervisor.waitFor(second.id)
    expect(end.status).toBe('completed')
    expect(end.startedAt!).toBeGreaterThanOrEqual(host.store.getSummary(first.id)!.finishedAt!)
  })

  it('runs two trainers at once when concurrency is 2, keeping their series apart', async () => {
    const host = setup({ steps: 80, stepMs: 3 }, { concurrency: 2 })
    const a = host.supervisor.create({ config: quickConfig() })
    const b = host.supervisor.create({ config: quickConfig() })
    await Promise.all([statusReached(host, a.id, 'running'), statusReached(host, b.id, 'running')])
    const [ea, eb] = await Promise.all([host.supervisor.waitFor(a.id), host.supervisor.waitFor(b.id)])
    expect([ea.status, eb.status]).toEqual(['completed', 'completed'])
    // Both were running at the same time.
    expect(eb.startedAt!).toBeLessThan(ea.finishedAt!)
    for (const id of [a.id, b.id])
      expect(host.store.series.metrics(id, { keys: ['train/m0'] })[0]!.totalPoints).toBe(80)
  })

  it('cancels a queued run without starting it', async () => {
    const host = setup({ steps: 40 })
    const first = host.supervisor.create({ config: quickConfig() })
    const second = host.supervisor.create({ config: quickConfig() })
    expect(host.supervisor.stop(second.id).status).toBe('cancelled')
    await host.supervisor.waitFor(first.id)
    expect(host.store.getSummary(second.id)!.startedAt).toBeNull()
  })

  it.each([
    [{ crashAt: 10 }, 'failed', 'crashed', /exited with code 3/],
    [{ oomAt: 10 }, 'failed', 'oom', /ran out of memory/],
    [{ failAt: 10 }, 'failed', 'trainer-error', /fixture failure on purpose/],
  ] as const)('records how a trainer ended: %j → %s (%s)', async (behaviour, status, reason, message) => {
    const host = setup({ steps: 100, ...behaviour })
    const run = host.supervisor.create({ config: quickConfig() })
    const end = await host.supervisor.waitFor(run.id)
    expect(end.status).toBe(status)
    expect(end.failure?.reason).toBe(reason)
    expect(end.failure?.message).toMatch(message)
  })

  it('kills a trainer that ignores stop after the bounded wait', async () => {
    const host = setup({ steps: 100_000, stepMs: 5, hangOnStop: true }, { stopGraceMs: 300 })
    const run = host.supervisor.create({ config: quickConfig() })
    await stepReached(host, run.id, 5)
    const started = Date.now()
    host.supervisor.stop(run.id)
    const end = await host.supervisor.waitFor(run.id)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(end.status).toBe('cancelled')
    expect(end.failure?.signal).toBe('SIGKILL')
  })

  it('fails a trainer that never reports ready, and one whose entry does not exist', async () => {
    const host = setup({ noReady: true }, { readyTimeoutMs: 1_500 })
    const run = host.supervisor.create({ config: quickConfig() })
    const end = await host.supervisor.waitFor(run.id)
    expect(end.status).toBe('failed')
    expect(end.failure).toMatchObject({ reason: 'launch-failed' })
    expect(end.failure?.message).toMatch(/did not report ready/)

    const t = tempDataDir()
    const missing = testHost(t.dir, {}, { launcher: forkTrainerLauncher({ entry: '/nonexistent/entry.ts' }) })
    cleanups.push(t.cleanup, () => missing.close(1000))
    const lost = missing.supervisor.create({ config: quickConfig() })
    const lostEnd = await missing.supervisor.waitFor(lost.id)
    expect(lostEnd.status).toBe('failed')
    expect(lostEnd.failure?.message).toMatch(/could not start: \/nonexistent\/entry.ts does not exist/)
  })

  it('shuts down gracefully: running trainers checkpoint and become interrupted, queued runs too', async () => {
    const host = setup({ steps: 100_000, stepMs: 5, checkpointEvery: 100_000 })
    const running = host.supervisor.create({ config: quickConfig() })
    const queued = host.supervisor.create({ config: quickConfig() })
    await stepReached(host, running.id, 5)
    const store = host.store
    const ended = host.supervisor.waitFor(running.id)
    await host.supervisor.shutdown(5_000)
    const end = await ended
    expect(end.status).toBe('interrupted')
    expect(end.failure).toBeNull()
    expect(end.lastCheckpointStep).toBeGreaterThanOrEqual(5)
    expect(existsSync(store.checkpoints(running.id).at(-1)!.path)).toBe(true)
    expect(store.getSummary(queued.id)!.status).toBe('interrupted')
  })

  it('refuses actions the state forbids with clear conflicts', async () => {
    const host = setup({ steps: 20 })
    const run = host.supervisor.create({ config: quickConfig() })
    await host.supervisor.waitFor(run.id)
    expect(() => host.supervisor.pause(run.id)).toThrow(/completed; there is no trainer to pause/)
    expect(() => host.supervisor.resume(run.id)).toThrow(/only paused, interrupted, cancelled or failed/)
    expect(() => host.supervisor.stop(run.id)).toThrow(/already completed/)
  })

  it('runs a benchmark in its own trainer process and stores samples and a summary', async () => {
    const host = setup()
    const { record, finished } = host.supervisor.startBench({
      model: 'vgg19',
      widthMultiplier: 0.25,
      channelSparsity: 0.5,
      batchSizes: [1, 8],
      warmup: 1,
      reps: 3,
      backend: 'auto',
      seed: 1,
    })
    expect(record.status).toBe('running')
    const done = await finished
    expect(done.status).toBe('completed')
    expect(done.summary?.speedups.map((s) => s.batchSize)).toEqual([1, 8])
    expect(done.summary?.speedups[0]!.speedup).toBeCloseTo(2, 5)
    expect(host.store.benchmarks.list(undefined, 10).map((b) => b.id)).toEqual([record.id])
  })
})
