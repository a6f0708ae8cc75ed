import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import type { RunId, SweepDetail, SweepSummary } from '../../shared/api'
import { api } from '../api/workbench'
import { activeRunIds, applySweepEvent } from '../util/sweepLive'
import { useConnectionStore } from './connection'

/** Slurm's job states come from the host's own polling and have no push event: re-read them this often. */
export const slurmRefreshMs = 15_000

/**
 * The sweeps list and the one sweep on screen. The sweep on screen follows pushed events: its runs'
 * status and result changes (to every client), their progress (the active runs are subscribed to) and
 * their deletion.
 */
export const useSweepsStore = defineStore('sweeps', () => {
  const list = shallowRef<SweepSummary[]>([])
  const detail = shallowRef<SweepDetail | null>(null)
  const error = ref('')
  /** The sweep the page follows, and the runs of it subscribed to for their progress. */
  let followed: string | null = null
  const subscribed = new Set<string>()
  let slurmTimer: ReturnType<typeof setInterval> | undefined

  api().onEvent((event) => {
    const current = detail.value
    if (!current) return
    const next = applySweepEvent(current, event)
    if (next === current) return
    detail.value = next
    syncSubscriptions()
  })
  // After a reconnect the host has forgotten the subscriptions and events were missed: read it again.
  watch(
    () => useConnectionStore().generation,
    () => {
      subscribed.clear()
      if (followed) void load(followed)
    },
  )

  function show(next: SweepDetail): void {
    detail.value = next
    syncSubscriptions()
  }

  /**
   * Subscribes to the followed sweep's active runs, and lets go of those that ended or went away. The host
   * keeps one subscription per client and run: the sweep page and a run dashboard are never both shown.
   */
  function syncSubscriptions(): void {
    const sweep = detail.value
    const wanted = new Set(sweep && sweep.id === followed ? activeRunIds(sweep) : [])
    for (const runId of wanted) {
      if (subscribed.has(runId)) continue
      subscribed.add(runId)
      api()
        .call('runs.subscribe', { runId: runId as RunId })
        .catch(() => subscribed.delete(runId))
    }
    for (const runId of [...subscribed]) {
      if (wanted.has(runId)) continue
      subscribed.delete(runId)
      void api()
        .call('runs.unsubscribe', { runId: runId as RunId })
        .catch(() => undefined)
    }
  }

  async function loadList(): Promise<void> {
    try {
      list.value = (await api().call('sweeps.list', {})).sweeps
      error.value = ''
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    }
  }

  async function load(sweepId: string): Promise<void> {
    try {
      const next = await api().call('sweeps.get', { sweepId: sweepId as never })
      // A page left meanwhile (or another sweep opened) does not get this answer.
      if (followed !== null && followed !== sweepId) return
      show(next)
      error.value = ''
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    }
  }

  /** Shows the sweep and keeps it current until `unfollow`. */
  function follow(sweepId: string): Promise<void> {
    unfollow()
    followed = sweepId
    slurmTimer = setInterval(() => {
      const sweep = detail.value
      if (sweep?.id === sweepId && sweep.executor === 'slurm' && activeRunIds(sweep).length > 0)
        void load(sweepId)
    }, slurmRefreshMs)
    return load(sweepId)
  }

  function unfollow(): void {
    clearInterval(slurmTimer)
    slurmTimer = undefined
    followed = null
    syncSubscriptions()
  }

  /** Runs a sweep action and shows the sweep as it is afterwards (or the error). */
  async function act(action: () => Promise<SweepDetail | unknown>): Promise<void> {
    try {
      const result = await action()
      if (result && typeof result === 'object' && 'cellRecords' in result) show(result as SweepDetail)
      error.value = ''
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    }
  }

  return { list, detail, error, loadList, load, follow, unfollow, act }
})
