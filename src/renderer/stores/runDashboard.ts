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
  const loading = ref(false)
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

  let buffer: TrainerToHost[] | null = null
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
      case 'layerSnapshot': {
        const last = snapshots.value[snapshots.value.length - 1]
        if (last && message.step <= last.step) break
        snapshots.value.push(
          markRaw({ step: message.step, layers: message.layers, densities: message.densities }),
        )
        scheduleRedraw()
        break
      }
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

  function onPush(event: PushEvent): void {
    if (event.type !== 'runMessage' || event.runId !== runId.value) return
    if (buffer) buffer.push(event.message)
    else apply(event.message)
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

  async function open(id: string): Promise<void> {
    close()
    const token = ++generation
    runId.value = id as RunId
    reset()
    loading.value = true
    buffer = []
    stopListening = api().onEvent(onPush)
    try {
      const client = api()
      await client.call('runs.subscribe', { runId: id as RunId })
      const [run, metrics, layerSnapshots] = await Promise.all([
        client.call('runs.get', { runId: id as RunId }),
        client.call('runs.metrics', { runId: id as RunId, maxPoints: 5_000 }),
        client.call('runs.layerSnapshots', { runId: id as RunId, maxSnapshots: 1_000 }),
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
      snapshots.value = markRaw(layerSnapshots.snapshots.map((s) => markRaw(s)))
      let afterId = 0
      for (;;) {
        const { events } = await client.call('runs.events', {
          runId: id as RunId,
          kinds: [...dashboardEventKinds],
          afterId,
          limit: 10_000,
        })
        if (token !== generation) return
        for (const event of events) applyHistoryEvent(event)
        if (events.length < 10_000) break
        afterId = events[events.length - 1]!.id
      }
      const pending = buffer ?? []
      buffer = null
      for (const message of pending) apply(message)
      triggerRef(series)
      triggerRef(snapshots)
      version.value++
    } catch (e) {
      if (token === generation) error.value = e instanceof Error ? e.message : String(e)
      buffer = null
    } finally {
      if (token === generation) loading.value = false
    }
  }

  function close(): void {
    generation++
    const id = runId.value
    stopListening?.()
    stopListening = null
    buffer = null
    clearTimeout(redrawTimer)
    redrawTimer = undefined
    if (id)
      void api()
        .call('runs.unsubscribe', { runId: id })
        .catch(() => undefined)
    runId.value = null
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
