import { defineStore } from 'pinia'
import { computed, markRaw, ref, shallowRef, triggerRef, watch } from 'vue'
import type { RunDetail, RunEvent, RunId, RunProgress, RunSummary, SnapshotView } from '../../shared/api'
import { dashboardEventKinds } from '../../shared/api/runRecords'
import { computePlan, type ChasePlan } from '../../shared/chase/plan'
import { RunFeed, type FeedSeries } from '../../shared/live/runFeed'
import type {
  BackendReport,
  RunPhase,
  RunResult,
  TrainerEvent,
  TrainerToHost,
} from '../../shared/protocol/trainerMessages'
import { api } from '../api/workbench'
import { useConnectionStore } from './connection'
import { useRunsStore } from './runs'

export type ChannelEventMessage = TrainerEvent<'channelEvent'>
export type MaskUpdateMessage = TrainerEvent<'maskUpdate'>

/** A metric series being filled; plain arrays outside Vue's reactivity (the version counter signals change). */
export type LiveSeries = FeedSeries

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error'
  readonly message: string
  readonly at: number
}

// Redraws at most this often however fast messages arrive (the trainer sends up to ~10/s).
const redrawIntervalMs = 400
// Snapshots travel as bytes (binary frames), so a history page can be large: fewer round trips.
const snapshotsPerPage = 40
// While older snapshots load, the heatmap is redrawn at most this often (each redraw rebuilds it).
const historyRedrawMs = 1_500

/**
 * One run as its dashboard shows it, fed by a `RunFeed`: the run and its curves first, then events and
 * snapshot history newest first, live messages on top and never lost. A run reopened later looks as it
 * did while it trained. The page marks `dashboard:open`, `dashboard:curves` and `dashboard:complete`
 * (bench/longrun/browserDashboard.ts times them).
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
  const series = shallowRef<ReadonlyMap<string, LiveSeries>>(markRaw(new Map()))
  const snapshots = shallowRef<readonly SnapshotView[]>(markRaw([]))
  const channelEvents = shallowRef<ChannelEventMessage[]>([])
  const maskUpdates = shallowRef<MaskUpdateMessage[]>([])
  const logs = shallowRef<LogLine[]>([])
  /** Grows when the time series change; charts recompute from it. */
  const version = ref(0)
  /** Grows when snapshots change (the heatmaps redraw only then). */
  const snapshotVersion = ref(0)

  const runs = useRunsStore()
  const summary = computed<RunSummary | null>(() =>
    runId.value ? (runs.byId.get(runId.value) ?? detail.value) : null,
  )

  let feed: RunFeed | null = null
  let stopListening: (() => void) | null = null
  let redrawTimer: ReturnType<typeof setTimeout> | undefined
  let snapshotsChanged = false
  // Curves and messages changed (a history page of snapshots alone leaves the charts as they are).
  let seriesChanged = false
  // When the heatmap last got new snapshots (0: not yet for this run).
  let snapshotsShownAt = 0
  let generation = 0

  function scheduleRedraw(): void {
    if (redrawTimer !== undefined) return
    redrawTimer = setTimeout(redraw, redrawIntervalMs)
  }

  function redraw(): void {
    clearTimeout(redrawTimer)
    redrawTimer = undefined
    if (seriesChanged) {
      seriesChanged = false
      triggerRef(series)
      version.value++
    }
    // History pages add older columns, which rebuilds the heatmap: while they load, it redraws seldom.
    const historyWait = snapshotsLoading.value && performance.now() - snapshotsShownAt < historyRedrawMs
    if (snapshotsChanged && historyWait && snapshots.value.length > 0 && snapshotsShownAt > 0) {
      scheduleRedraw()
      return
    }
    if (snapshotsChanged) {
      snapshotsShownAt = performance.now()
      snapshotsChanged = false
      triggerRef(snapshots)
      snapshotVersion.value++
    }
  }

  /** Applies a message other than metrics and snapshots (the feed keeps those in step order). */
  function apply(message: TrainerToHost): void {
    switch (message.type) {
      case 'progress':
        progress.value = { ...message }
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

  function applyHistoryEvent(event: RunEvent, catchUp: boolean): void {
    const message = event.message
    if (message.type === 'status') {
      if (message.failure) failure.value = `${message.failure.reason}: ${message.failure.message}`
      return
    }
    if (message.type === 'log') {
      // A catch-up re-reads log lines that may also have come live.
      if (catchUp && logs.value.some((l) => l.message === message.message)) return
      logs.value = [
        ...logs.value.slice(-199),
        { level: message.level, message: message.message, at: event.at },
      ]
      return
    }
    apply(message)
  }

  function showRun(run: RunDetail): void {
    detail.value = run
    runs.put(run)
    progress.value = run.progress
    result.value = run.result
    if (run.backendReport) backend.value = run.backendReport
    if (run.failure) failure.value = `${run.failure.reason}: ${run.failure.message}`
    const planResult = computePlan(run.config)
    plan.value = planResult.ok ? planResult.plan : null
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
    snapshotVersion.value++
  }

  async function open(id: string): Promise<void> {
    close()
    const token = ++generation
    runId.value = id as RunId
    performance.mark('dashboard:open')
    snapshotsShownAt = 0
    loading.value = true
    snapshotsLoading.value = true
    const client = api()
    const current = new RunFeed({
      client,
      runId: id as RunId,
      eventKinds: dashboardEventKinds,
      snapshotsPerPage,
      onRun: showRun,
      onMessage: (message) => {
        apply(message)
        seriesChanged = true
        scheduleRedraw()
      },
      onHistoryEvent: applyHistoryEvent,
      onChange: (stage) => {
        if (stage !== 'snapshots') seriesChanged = true
        if (stage === 'curves') {
          loading.value = false
          redraw()
          performance.mark('dashboard:curves')
          return
        }
        if (stage === 'snapshots' || stage === 'live') snapshotsChanged = true
        if (stage === 'complete') {
          snapshotsLoading.value = false
          snapshotsChanged = true
          redraw()
          performance.mark('dashboard:complete')
          return
        }
        scheduleRedraw()
      },
    })
    feed = current
    series.value = markRaw(current.series)
    snapshots.value = markRaw(current.snapshots)
    stopListening = client.onEvent((event) => current.push(event))
    try {
      await current.start()
    } catch (e) {
      if (token === generation) error.value = e instanceof Error ? e.message : String(e)
    } finally {
      if (token === generation) {
        loading.value = false
        snapshotsLoading.value = false
      }
    }
  }

  /** Leaving a dashboard lets its data go (a long run holds tens of MB in the page). */
  function close(): void {
    generation++
    stopListening?.()
    stopListening = null
    feed?.close()
    feed = null
    clearTimeout(redrawTimer)
    redrawTimer = undefined
    snapshotsChanged = false
    seriesChanged = false
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
    snapshotVersion,
    open,
    close,
  }
})
