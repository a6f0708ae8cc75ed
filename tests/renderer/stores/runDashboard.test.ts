import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { PushEvent, RunDetail, RunEvent } from '../../../src/shared/api'
import { presetConfig } from '../../../src/shared/config/presets'
import type { TrainerToHost } from '../../../src/shared/protocol/trainerMessages'

/**
 * The run dashboard store against a scripted host: the stored history arrives through the real
 * `runs.*` method names, live `runMessage` pushes through `onEvent`, and the test decides when each
 * history call answers, so it can push while the history is still loading.
 */
const host = vi.hoisted(() => {
  const listeners = new Set<(event: unknown) => void>()
  const calls: { method: string; params: unknown }[] = []
  const answers = new Map<string, (params: unknown) => unknown>()
  const gates = new Map<string, Promise<void>>()
  const client = {
    async call(method: string, params: unknown): Promise<unknown> {
      calls.push({ method, params })
      await gates.get(method)
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
    gates,
    listeners,
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

const { useRunDashboardStore } = await import('../../../src/renderer/stores/runDashboard')

const runId = 'run-1'
const detail = {
  id: runId,
  name: 'history',
  status: 'running',
  config: presetConfig('quick-fashion-mnist'),
  progress: null,
  result: null,
  backendReport: null,
  failure: null,
  tags: [],
} as unknown as RunDetail

const metrics = (points: [string, number, number][]): TrainerToHost => ({
  type: 'metrics',
  points: points.map(([key, step, value]) => ({ key, step, value })),
})
// Live messages carry the host's per-run sequence numbers, following the `seq` that `runs.subscribe` answers.
const lastSeq = new Map<string, number>()
const live = (message: TrainerToHost, id = runId): PushEvent => {
  const seq = (lastSeq.get(id) ?? 0) + 1
  lastSeq.set(id, seq)
  return { type: 'runMessage', runId: id, seq, message } as PushEvent
}
const channelEvent = (step: number): TrainerToHost =>
  ({
    type: 'channelEvent',
    step,
    targetChannelSparsity: 0.1,
    targetAliveChannels: 10,
    aliveBefore: 12,
    aliveAfter: 10,
    threshold: null,
    removed: [],
  }) as unknown as TrainerToHost

function scriptHistory(storedEvents: RunEvent[] = []): void {
  host.answers.set('runs.subscribe', () => ({ seq: lastSeq.get(runId) ?? 0 }))
  host.answers.set('runs.unsubscribe', () => ({}))
  host.answers.set('runs.get', () => detail)
  host.answers.set('runs.metrics', () => ({
    series: [{ key: 'train/loss', steps: [10, 20], values: [2.0, 1.5] }],
  }))
  host.answers.set('runs.layerSnapshots', () => ({ snapshots: [] }))
  host.answers.set('runs.events', () => ({ events: storedEvents }))
}

beforeEach(() => {
  setActivePinia(createPinia())
  host.calls.length = 0
  host.answers.clear()
  host.gates.clear()
  host.listeners.clear()
  lastSeq.clear()
})

describe('the run dashboard store', () => {
  it('shows the stored history, then live points after it, each point once', async () => {
    scriptHistory()
    const store = useRunDashboardStore()
    let release!: () => void
    host.gates.set('runs.metrics', new Promise<void>((resolve) => (release = resolve)))
    const opening = store.open(runId)
    await vi.waitFor(() => expect(host.calls.map((c) => c.method)).toContain('runs.metrics'))
    // While the history loads: a point the history also holds (step 20), and a newer one.
    host.push(
      live(
        metrics([
          ['train/loss', 20, 1.5],
          ['train/loss', 30, 1.2],
        ]),
      ),
    )
    expect(store.series.get('train/loss')).toBeUndefined()
    release()
    await opening
    expect(store.loading).toBe(false)
    expect(store.series.get('train/loss')).toEqual({ steps: [10, 20, 30], values: [2.0, 1.5, 1.2] })
    // After loading, live points go straight in; one the series already holds is skipped.
    host.push(
      live(
        metrics([
          ['train/loss', 30, 9],
          ['train/loss', 40, 1.1],
          ['test/accuracy', 40, 0.8],
        ]),
      ),
    )
    expect(store.series.get('train/loss')).toEqual({ steps: [10, 20, 30, 40], values: [2.0, 1.5, 1.2, 1.1] })
    expect(store.series.get('test/accuracy')).toEqual({ steps: [40], values: [0.8] })
    expect(store.plan).not.toBeNull()
  })

  it('ignores messages of another run', async () => {
    scriptHistory()
    const store = useRunDashboardStore()
    await store.open(runId)
    host.push(live(metrics([['train/loss', 50, 0.1]]), 'run-2'))
    expect(store.series.get('train/loss')?.steps).toEqual([10, 20])
  })

  it('merges stored and live channel events by step, in step order, without duplicates', async () => {
    const stored = [400, 800].map(
      (step, i) =>
        ({ id: i + 1, runId, at: 1, kind: 'channelEvent', message: channelEvent(step) }) as unknown,
    ) as RunEvent[]
    scriptHistory(stored)
    const store = useRunDashboardStore()
    await store.open(runId)
    host.push(live(channelEvent(800)))
    host.push(live(channelEvent(1200)))
    host.push(live(channelEvent(600)))
    expect(store.channelEvents.map((e) => e.step)).toEqual([400, 600, 800, 1200])
  })

  it('keeps the failure a stored status event reports, and the live result', async () => {
    const stored = [
      {
        id: 1,
        runId,
        at: 1,
        kind: 'status',
        message: { type: 'status', failure: { reason: 'crashed', message: 'trainer exited' } },
      },
    ] as unknown as RunEvent[]
    scriptHistory(stored)
    const store = useRunDashboardStore()
    await store.open(runId)
    expect(store.failure).toBe('crashed: trainer exited')
  })

  it('stops listening and unsubscribes on close', async () => {
    scriptHistory()
    const store = useRunDashboardStore()
    await store.open(runId)
    store.close()
    expect(store.runId).toBeNull()
    // Leaving drops the run's data (a long run holds tens of MB), and a late push adds nothing back.
    expect(store.series.size).toBe(0)
    host.push(live(metrics([['train/loss', 30, 1.2]])))
    expect(store.series.size).toBe(0)
    await vi.waitFor(() => expect(host.calls.map((c) => c.method)).toContain('runs.unsubscribe'))
  })

  it('says what went wrong when the history cannot be loaded', async () => {
    scriptHistory()
    host.answers.set('runs.get', () => {
      throw new Error('No run run-1')
    })
    const store = useRunDashboardStore()
    await store.open(runId)
    expect(store.error).toBe('No run run-1')
    expect(store.loading).toBe(false)
  })
})
