import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PushEvent, RunId, RunSummary, SweepCellRecord, SweepDetail } from '../../../src/shared/api'

/**
 * The sweep page's store against a scripted host: `sweeps.get` answers from a table the test edits,
 * pushed events arrive through `onEvent`, and every call is recorded.
 */
const host = vi.hoisted(() => {
  const listeners = new Set<(event: unknown) => void>()
  const calls: { method: string; params: unknown }[] = []
  const answers = new Map<string, (params: unknown) => unknown>()
  const client = {
    async call(method: string, params: unknown): Promise<unknown> {
      calls.push({ method, params })
      const answer = answers.get(method)
      if (!answer) throw new Error(`the scripted host has no answer for ${method}`)
      return answer(params)
    },
    onEvent(listener: (event: unknown) => void): () => void {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  return {
    client,
    calls,
    answers,
    push: (event: unknown) => [...listeners].forEach((listener) => listener(event)),
  }
})

vi.mock('../../../src/renderer/api/workbench', () => ({
  api: () => host.client,
  workbench: () => ({
    client: host.client,
    shell: 'browser',
    onConnection: (listener: (state: string, detail: string) => void) => {
      listener('open', '')
      return () => undefined
    },
  }),
}))

const { useSweepsStore, slurmRefreshMs } = await import('../../../src/renderer/stores/sweeps')

const cell = (index: number, status: SweepCellRecord['status']): SweepCellRecord =>
  ({
    index,
    values: { 'system.seed': 41 + index },
    runId: `run-${index}`,
    status,
    step: status === 'queued' ? null : 3,
    totalSteps: status === 'queued' ? null : 8,
    result: null,
    slurm: null,
  }) as unknown as SweepCellRecord

function sweep(cells: SweepCellRecord[], executor: 'local' | 'slurm' = 'local'): SweepDetail {
  return {
    id: 'sweep-1',
    name: 'seeds',
    executor,
    combine: 'grid',
    axes: [{ path: 'system.seed', values: cells.map((c) => 41 + c.index) }],
    createdAt: 0,
    cells: cells.length,
    counts: {},
    cellRecords: cells,
  } as unknown as SweepDetail
}

const summary = (id: string, patch: Partial<RunSummary>): RunSummary =>
  ({ id, status: 'running', progress: null, result: null, ...patch }) as RunSummary
const methodCalls = (method: string) =>
  host.calls.filter((c) => c.method === method).map((c) => (c.params as { runId?: string }).runId)
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

let onHost: SweepDetail
beforeEach(() => {
  setActivePinia(createPinia())
  host.calls.length = 0
  onHost = sweep([cell(0, 'running'), cell(1, 'completed'), cell(2, 'queued')])
  host.answers.set('sweeps.get', () => onHost)
  host.answers.set('runs.subscribe', (p) => ({ run: summary((p as { runId: string }).runId, {}), seq: 0 }))
  host.answers.set('runs.unsubscribe', (p) => p)
})
afterEach(() => {
  useSweepsStore().unfollow()
  vi.useRealTimers()
})

describe('the sweep store', () => {
  it("follows its runs' status, progress and results from pushed events, without asking again", async () => {
    const store = useSweepsStore()
    await store.follow('sweep-1')
    expect(methodCalls('runs.subscribe').sort()).toEqual(['run-0', 'run-2'])
    const reads = host.calls.length

    host.push({
      type: 'runMessage',
      runId: 'run-0' as RunId,
      seq: 1,
      message: progress(5),
    } satisfies PushEvent)
    expect(store.detail!.cellRecords[0]).toMatchObject({ step: 5, totalSteps: 8, status: 'running' })

    const result = { final: { testAccuracy: 0.8, validationAccuracy: null } }
    host.push({
      type: 'runChanged',
      run: summary('run-0', { status: 'completed', result: result as never }),
      previousStatus: 'running',
    })
    expect(store.detail!.cellRecords[0]).toMatchObject({ status: 'completed', result })
    expect(store.detail!.counts).toEqual({ completed: 2, queued: 1 })
    // The ended run is let go of; nothing was re-read from the host.
    await settle()
    expect(methodCalls('runs.unsubscribe')).toEqual(['run-0'])
    expect(host.calls.slice(reads).map((c) => c.method)).toEqual(['runs.unsubscribe'])
  })

  it('shows a cell whose run was deleted as deleted and keeps the other cells as they were', async () => {
    const store = useSweepsStore()
    await store.follow('sweep-1')
    const before = store.detail!
    host.push({ type: 'runDeleted', runId: 'run-1' as RunId } satisfies PushEvent)
    expect(store.detail!.cellRecords[1]).toMatchObject({ runId: null, status: null, result: null })
    expect(store.detail!.cellRecords[0]).toBe(before.cellRecords[0])
    expect(store.detail!.cellRecords[2]).toBe(before.cellRecords[2])
    expect(store.detail!.counts).toEqual({ running: 1, deleted: 1, queued: 1 })
  })

  it('ignores events about other runs without re-rendering', async () => {
    const store = useSweepsStore()
    await store.follow('sweep-1')
    const before = store.detail
    host.push({ type: 'runDeleted', runId: 'run-elsewhere' })
    host.push({ type: 'runMessage', runId: 'run-0', seq: 2, message: progress(3) })
    expect(store.detail).toBe(before)
  })

  it('lets go of every subscription when the page stops following', async () => {
    const store = useSweepsStore()
    await store.follow('sweep-1')
    store.unfollow()
    await settle()
    expect(methodCalls('runs.unsubscribe').sort()).toEqual(['run-0', 'run-2'])
  })

  it("re-reads only a Slurm sweep with active runs on a slow timer, for Slurm's job states", async () => {
    vi.useFakeTimers()
    const store = useSweepsStore()
    await store.follow('sweep-1')
    await vi.advanceTimersByTimeAsync(slurmRefreshMs * 3)
    expect(host.calls.filter((c) => c.method === 'sweeps.get')).toHaveLength(1)

    onHost = sweep([cell(0, 'running')], 'slurm')
    await store.follow('sweep-1')
    await vi.advanceTimersByTimeAsync(slurmRefreshMs)
    expect(host.calls.filter((c) => c.method === 'sweeps.get')).toHaveLength(3)
  })
})

function progress(step: number) {
  return {
    type: 'progress' as const,
    step,
    totalSteps: 8,
    epoch: 0,
    epochs: 1,
    imagesPerSecond: 100,
    etaSeconds: null,
  }
}
