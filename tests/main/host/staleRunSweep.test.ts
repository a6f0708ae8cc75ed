import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RunStore } from '../../../src/main/host/runStore'
import { markSupervised, sweepDeadRuns, unmarkSupervised } from '../../../src/main/host/staleRunSweep'
import { quickConfig, tempDataDir } from './hostHarness'

const livePid = 1111
const deadPid = 2222
const isAlive = (pid: number) => pid === livePid

describe('start-up sweep', () => {
  let t: ReturnType<typeof tempDataDir>
  let store: RunStore
  beforeEach(() => {
    t = tempDataDir()
    store = RunStore.open({ dbPath: t.dbPath, dataDir: t.dir })
  })
  afterEach(() => {
    store.close()
    t.cleanup()
  })

  const runWith = (
    hostPid: number,
    status: 'queued' | 'running' | 'paused' | 'completed',
    heartbeatAt = Date.now(),
  ) => {
    const { id } = store.createRun({ config: quickConfig(), hostPid })
    if (status !== 'queued') store.setStatus(id, 'running', { pid: 5, hostPid })
    if (status === 'paused') store.setStatus(id, 'paused')
    if (status === 'completed') store.setStatus(id, 'completed')
    store.db.prepare('UPDATE runs SET heartbeat_at = ? WHERE id = ?').run(heartbeatAt, id)
    return id
  }

  it('marks queued, running and paused runs of a dead host interrupted, with the reason', () => {
    const ids = [runWith(deadPid, 'queued'), runWith(deadPid, 'running'), runWith(deadPid, 'paused')]
    const swept = sweepDeadRuns(store, { isAlive, ownPid: 1 })
    expect(swept.map((r) => r.id).sort()).toEqual([...ids].sort())
    for (const id of ids) {
      const run = store.getSummary(id)!
      expect(run.status).toBe('interrupted')
      expect(run.failure?.reason).toBe('host-exited')
      expect(run.failure?.message).toContain(`pid ${deadPid}`)
    }
  })

  it('leaves runs of a live host, and ended runs, alone', () => {
    const live = runWith(livePid, 'running')
    const done = runWith(deadPid, 'completed')
    expect(sweepDeadRuns(store, { isAlive, ownPid: 1 })).toEqual([])
    expect(store.getSummary(live)!.status).toBe('running')
    expect(store.getSummary(done)!.status).toBe('completed')
  })

  it('treats a live pid whose heartbeat predates the last boot as reused: the host is gone', () => {
    const id = runWith(livePid, 'running', 1_000)
    sweepDeadRuns(store, { isAlive, ownPid: 1, bootedAt: 5_000 })
    expect(store.getSummary(id)!.status).toBe('interrupted')
  })

  it('treats its own pid as a previous process unless a supervisor here owns the run', () => {
    const ownPid = 3333
    const owned = runWith(ownPid, 'running')
    const stale = runWith(ownPid, 'running')
    markSupervised(owned)
    try {
      sweepDeadRuns(store, { isAlive: () => true, ownPid })
    } finally {
      unmarkSupervised(owned)
    }
    expect(store.getSummary(owned)!.status).toBe('running')
    expect(store.getSummary(stale)!.status).toBe('interrupted')
  })

  it('fails benchmarks left running by a dead host', () => {
    store.benchmarks.create(
      'b1',
      {
        widthMultiplier: 1,
        channelSparsity: 0.5,
        batchSizes: [1],
        warmup: 1,
        reps: 1,
        backend: 'cpu',
        seed: 1,
      },
      null,
      deadPid,
    )
    store.benchmarks.create(
      'b2',
      {
        widthMultiplier: 1,
        channelSparsity: 0.5,
        batchSizes: [1],
        warmup: 1,
        reps: 1,
        backend: 'cpu',
        seed: 1,
      },
      null,
      livePid,
    )
    sweepDeadRuns(store, { isAlive, ownPid: 1 })
    expect(store.benchmarks.get('b1')!.status).toBe('failed')
    expect(store.benchmarks.get('b2')!.status).toBe('running')
  })
})
