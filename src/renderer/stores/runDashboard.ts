import { defineStore } from 'pinia'
import { computed, markRaw, ref, shallowRef, triggerRef, watch } from 'vue'
import type {
  LayerSnapshot,
  PushEvent,
  RunDetail,
  RunEvent,
  RunId,
  RunProgress,
  RunSummary,
} from '../../shared/api'
import { dashboardEventKinds } from '../../shared/api/runRecords'
import { computePlan, type ChasePlan } from '../../shared/chase/plan'
import type {
  BackendReport,
  RunPhase,
  RunResult,
  TrainerEvent,
  TrainerToHost,
} from '../../shared/protocol/trainerMessages'
import { api } from '../api/workbench'
import { RunSeqTracker } from '../live/runSeqTracker'
import { snapshotPages } from '../live/snapshotPages'
import { useConnectionStore } from './connection'
import { useRunsStore } from './runs'

export type ChannelEventMessage = TrainerEvent<'channelEvent'>
export type MaskUpdateMessage = TrainerEvent<'maskUpdate'>

/** A metric series being filled; plain arrays outside Vue's reactivity (the version counter signals change). */
export interface LiveSeries {
  steps: number[]
  values: number[]
}

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error'
  readonly message: string
  readonly at: number
}

// Redraws at most this often however fast messages arrive (the trainer sends up to ~10/s).
const redrawIntervalMs = 400
// History is read in answers of at most this many snapshots (each a few MB at paper scale), newest first,
// keeping about `snapshotColumns` over the run: enough columns for any screen, full detail on zoom.
const snapshotColumns = 1_000
const snapshotsPerPage = 50
const metricPoints = 5_000

/**
 * One run as its dashboard shows it: the stored history first, then the live messages on top. The same
 * code path fills both, so a run reopened later looks as it did while it trained.
 */
export const useRunDashboardStore = defineStore('runDashboard', () => {
  const runId = ref<RunId | null>(null)
  const detail = shallowRef<RunDetail | null>(null)
  const plan = shallowRef<ChasePlan | null>(null)
  const progress = shallowRef<RunProgress | null>(null)
  const phase = ref<{ phase: RunPhase; detail?: string } | null>(null)
  const backend = shallowRef<BackendReport | null>(null)
  const result = shallowRef<RunResult | null>(null)
  const failure = ref<string | null>(null)
  /** True until the run and its curves are shown. */
  const loading = ref(false)
  /** True while older snapshots are still being read (the newest show first). */
  const snapshotsLoading = ref(false)
  const error = ref<string | null>(null)
  const series = shallowRef(markRaw(new Map<string, LiveSeries>()))
  const snapshots = shallowRef<LayerSnapshot[]>(markRaw([]))
  const channelEvents = shallowRef<ChannelEventMessage[]>([])
  const maskUpdates = shallowRef<MaskUpdateMessage[]>([])
  const logs = shallowRef<LogLine[]>([])
  /** Grows when the time series change; charts recompute from it. */
  const version = ref(0)

  const runs = useRunsStore()
  const summary = computed<RunSummary | null>(() =>
    runId.value ? (runs.byId.get(runId.value) ?? detail.value) : null,
  )

  // Live messages wait here while the store is being read, then apply on top of what it returned.
  let buffer: { seq: number; message: TrainerToHost }[] | null = null
  // Null until the subscription answers with the sequence number it starts after.
  let tracker: RunSeqTracker | null = null
  let lastEventId = 0
  let reading = false
  let readAgain = false
  // Until the newest history page is in, snapshots come from it, not from catch-up reads.
  let snapshotHistoryPending = true
  let stopListening: (() => void) | null = null
  let redrawTimer: ReturnType<typeof setTimeout> | undefined
  let generation = 0

  function scheduleRedraw(): void {
    if (redrawTimer !== undefined) return
    redrawTimer = setTimeout(() => {
      redrawTimer = undefined
      triggerRef(series)
      triggerRef(snapshots)
      version.value++
    }, redrawIntervalMs)
  }

  function lastStep(key: string): number {
    const s = series.value.get(key)
    return s && s.steps.length ? s.steps[s.steps.length - 1]! : -1
  }

  /** Applies one trainer message, skipping what the loaded history already holds. */
  function apply(message: TrainerToHost): void {
    switch (message.type) {
      case 'progress':
        progress.value = { ...message }
        break
      case 'metrics':
        for (const point of message.points) {
          // The history may already hold what arrived while it loaded.
          if (point.step <= lastStep(point.key)) continue
          let s = series.value.get(point.key)
          if (!s) series.value.set(point.key, (s = { steps: [], values: [] }))
          s.steps.push(point.step)
          s.values.push(point.value)
        }
        scheduleRedraw()
        break
      case 'layerSnapshot':
        if (insertSnapshot({ step: message.step, layers: message.layers, densities: message.densities }))
          scheduleRedraw()
        break
      case 'channelEvent':
        if (!channelEvents.value.some((e) => e.step === message.step)) {
          channelEvents.value = [...channelEvents.value, message].sort((a, b) => a.step - b.step)
        }
        break
      case 'maskUpdate':
        if (!maskUpdates.value.some((e) => e.step === message.step)) {
          const list = maskUpdates.value.slice()
          list.push(message)
          if (list.length > 1 && list[list.length - 2]!.step > message.step)
            list.sort((a, b) => a.step - b.step)
          maskUpdates.value = list
        }
        break
      case 'phase':
        phase.value = { phase: message.phase, detail: message.detail }
        break
      case 'backend':
        backend.value = message.backend
        break
      case 'log':
        logs.value = [
          ...logs.value.slice(-199),
          { level: message.level, message: message.message, at: Date.now() },
        ]
        break
      case 'done':
        result.value = message.result
        break
      case 'failed':
        failure.value = `${message.kind}: ${message.message}`
        break
      default:
        break
    }
  }

  /** Keeps snapshots ordered by step, once each: live ones append, history pages fill in before them. */
  function insertSnapshot(snapshot: LayerSnapshot): boolean {
    const list = snapshots.value
    const last = list[list.length - 1]
    if (!last || snapshot.step > last.step) {
      list.push(markRaw(snapshot))
      return true
    }
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (list[mid]!.step < snapshot.step) lo = mid + 1
      else hi = mid
    }
    if (list[lo]?.step === snapshot.step) return false
    list.splice(lo, 0, markRaw(snapshot))
    return true
  }

  function onPush(event: PushEvent): void {
    if ((event.type !== 'runMessage' && event.type !== 'runGap') || event.runId !== runId.value) return
    if (event.type === 'runGap') {
      // Held back by the host because we were slow: read that stretch from the store.
      tracker?.skipThrough(event.toSeq)
      void catchUp()
      return
    }
    if (!tracker) {
      buffer?.push({ seq: event.seq, message: event.message })
      return
    }
    const verdict = tracker.observe(event.seq)
    if (verdict === 'stale') return
    if (buffer) {
      buffer.push({ seq: event.seq, message: event.message })
      if (verdict === 'gap') readAgain = true
      return
    }
    if (verdict === 'gap') {
      // Apply this one only after the missed ones are read, so every series stays in step order.
      buffer = [{ seq: event.seq, message: event.message }]
      void catchUp()
      return
    }
    apply(event.message)
  }

  /** The subscription answered: what waited before it is either in the coming reads or follows it. */
  function startTracking(afterSeq: number): void {
    tracker = new RunSeqTracker(afterSeq)
    const waiting = buffer ?? []
    buffer = []
    for (const entry of waiting) {
      const verdict = tracker.observe(entry.seq)
      if (verdict === 'stale') continue
      if (verdict === 'gap') readAgain = true
      buffer.push(entry)
    }
  }

  /** Applies what waited during a read (the store answer may hold some of it: `apply` skips those by step). */
  function drainBuffer(): void {
    const pending = buffer ?? []
    buffer = null
    for (const { message } of pending) apply(message)
    triggerRef(series)
    triggerRef(snapshots)
    version.value++
  }

  async function readEvents(token: number): Promise<boolean> {
    const client = api()
    const id = runId.value!
    for (;;) {
      const { events } = await client.call('runs.events', {
        runId: id,
        kinds: [...dashboardEventKinds],
        afterId: lastEventId,
        limit: 10_000,
      })
      if (token !== generation) return false
      // A catch-up may re-read log lines that also came live.
      const seen = lastEventId > 0 ? new Set(logs.value.map((l) => l.message)) : null
      for (const event of events) {
        if (seen && event.message.type === 'log' && seen.has(event.message.message)) continue
        applyHistoryEvent(event)
      }
      if (events.length) lastEventId = events[events.length - 1]!.id
      if (events.length < 10_000) return true
    }
  }

  /** Reads from the store what live messages may have missed: points after what each series holds. */
  async function readMissed(token: number): Promise<boolean> {
    const client = api()
    const id = runId.value!
    const known = [...series.value.entries()]
    const fromStep = known.length ? Math.min(...known.map(([key]) => lastStep(key))) + 1 : 0
    const { keys } = await client.call('runs.metricKeys', { runId: id })
    const unknown = keys.map((k) => k.key).filter((key) => !series.value.has(key))
    const last = snapshots.value[snapshots.value.length - 1]
    const [recent, added, newer, run] = await Promise.all([
      known.length
        ? client.call('runs.metrics', { runId: id, keys: known.map(([key]) => key), fromStep })
        : { series: [] },
      unknown.length
        ? client.call('runs.metrics', { runId: id, keys: unknown, maxPoints: metricPoints })
        : { series: [] },
      snapshotHistoryPending
        ? { snapshots: [] }
        : client.call('runs.layerSnapshots', {
            runId: id,
            fromStep: last ? last.step + 1 : 0,
            maxSnapshots: snapshotColumns,
          }),
      client.call('runs.get', { runId: id }),
    ])
    if (token !== generation) return false
    for (const s of [...recent.series, ...added.series]) {
      apply({
        type: 'metrics',
        points: s.steps.map((step, i) => ({ key: s.key, step, value: s.values[i]! })),
      })
    }
    for (const snapshot of newer.snapshots) insertSnapshot(snapshot)
    if (run.progress) progress.value = run.progress
    return readEvents(token)
  }

  /** One read at a time; a gap seen during one makes it read once more before live messages apply. */
  async function catchUp(): Promise<void> {
    if (!runId.value) return
    if (reading) {
      readAgain = true
      return
    }
    reading = true
    buffer ??= []
    const token = generation
    try {
      await finishReads(token, true)
    } catch (e) {
      if (token === generation) error.value = e instanceof Error ? e.message : String(e)
    } finally {
      if (token === generation) reading = false
    }
  }

  async function finishReads(token: number, missed: boolean): Promise<boolean> {
    readAgain = readAgain || missed
    while (readAgain) {
      readAgain = false
      if (!(await readMissed(token))) return false
    }
    drainBuffer()
    return true
  }

  function applyHistoryEvent(event: RunEvent): void {
    const message = event.message
    if (message.type === 'status') {
      if (message.failure) failure.value = `${message.failure.reason}: ${message.failure.message}`
      return
    }
    if (message.type === 'log') {
      logs.value = [
        ...logs.value.slice(-199),
        { level: message.level, message: message.message, at: event.at },
      ]
      return
    }
    apply(message)
  }

  function reset(): void {
    detail.value = null
    plan.value = null
    progress.value = null
    phase.value = null
    backend.value = null
    result.value = null
    failure.value = null
    error.value = null
    series.value = markRaw(new Map())
    snapshots.value = markRaw([])
    channelEvents.value = []
    maskUpdates.value = []
    logs.value = []
    version.value++
  }

  /**
   * Shows a run progressively: the run and its curves first, then the event log, then snapshot history
   * newest first in small answers, while live messages keep arriving (numbered, so none is lost).
   */
  async function open(id: string): Promise<void> {
    close()
    const token = ++generation
    runId.value = id as RunId
    reset()
    loading.value = true
    buffer = []
    reading = true
    stopListening = api().onEvent(onPush)
    try {
      const client = api()
      const { seq } = await client.call('runs.subscribe', { runId: id as RunId })
      if (token !== generation) return
      startTracking(seq)
      const [run, metrics] = await Promise.all([
        client.call('runs.get', { runId: id as RunId }),
        client.call('runs.metrics', { runId: id as RunId, maxPoints: metricPoints }),
      ])
      if (token !== generation) return
      detail.value = run
      runs.put(run)
      progress.value = run.progress
      result.value = run.result
      if (run.backendReport) backend.value = run.backendReport
      if (run.failure) failure.value = `${run.failure.reason}: ${run.failure.message}`
      const planResult = computePlan(run.config)
      plan.value = planResult.ok ? planResult.plan : null
      const map = new Map<string, LiveSeries>()
      for (const s of metrics.series) map.set(s.key, { steps: s.steps.slice(), values: s.values.slice() })
      series.value = markRaw(map)
      version.value++
      loading.value = false
      if (!(await readEvents(token))) return
      if (!(await finishReads(token, false))) return
      reading = false
      snapshotsLoading.value = true
      await readSnapshotHistory(token, Math.max(run.progress?.step ?? 0, lastMetricStep()))
    } catch (e) {
      if (token === generation) {
        error.value = e instanceof Error ? e.message : String(e)
        buffer = null
        reading = false
      }
    } finally {
      if (token === generation) {
        loading.value = false
        snapshotsLoading.value = false
      }
    }
  }

  function lastMetricStep(): number {
    let last = 0
    for (const key of series.value.keys()) last = Math.max(last, lastStep(key))
    return last
  }

  async function readSnapshotHistory(token: number, lastStepSeen: number): Promise<void> {
    const client = api()
    for (const page of snapshotPages(lastStepSeen, snapshotColumns, snapshotsPerPage)) {
      const answer = await client.call('runs.layerSnapshots', { runId: runId.value!, ...page })
      if (token !== generation) return
      for (const snapshot of answer.snapshots) insertSnapshot(snapshot)
      snapshotHistoryPending = false
      triggerRef(snapshots)
      version.value++
    }
  }

  /** Leaving a dashboard lets its data go (a long run holds tens of MB in the page). */
  function close(): void {
    generation++
    const id = runId.value
    stopListening?.()
    stopListening = null
    buffer = null
    tracker = null
    lastEventId = 0
    reading = false
    readAgain = false
    snapshotHistoryPending = true
    clearTimeout(redrawTimer)
    redrawTimer = undefined
    if (id)
      void api()
        .call('runs.unsubscribe', { runId: id })
        .catch(() => undefined)
    runId.value = null
    reset()
    loading.value = false
    snapshotsLoading.value = false
  }

  // After a reconnect the host has forgotten our subscription: reload, which subscribes again.
  watch(
    () => useConnectionStore().generation,
    () => {
      if (runId.value) void open(runId.value)
    },
  )

  return {
    runId,
    summary,
    detail,
    plan,
    progress,
    phase,
    backend,
    result,
    failure,
    loading,
    snapshotsLoading,
    error,
    series,
    snapshots,
    channelEvents,
    maskUpdates,
    logs,
    version,
    open,
    close,
  }
})
