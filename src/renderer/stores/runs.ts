import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { RunId, RunSummary } from '../../shared/api'
import { api } from '../api/workbench'
import { useConnectionStore } from './connection'

/**
 * The runs list, kept current by push events. Everything (archived runs included) is loaded once so that
 * sorting and filtering are local and instant with thousands of runs.
 */
export const useRunsStore = defineStore('runs', () => {
  const byId = shallowRef<ReadonlyMap<string, RunSummary>>(new Map())
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)

  const all = computed(() => [...byId.value.values()])
  const tags = computed(() => [...new Set(all.value.flatMap((run) => run.tags))].sort())

  function put(run: RunSummary): void {
    const next = new Map(byId.value)
    next.set(run.id, run)
    byId.value = next
  }
  function drop(runId: string): void {
    if (!byId.value.has(runId)) return
    const next = new Map(byId.value)
    next.delete(runId)
    byId.value = next
  }

  // Follow changes from the start, so a dashboard opened by a deep link sees its run's status move too.
  api().onEvent((event) => {
    if (event.type === 'runChanged') put(event.run)
    else if (event.type === 'runDeleted') drop(event.runId)
  })
  // After a reconnect, whatever changed meanwhile is re-read.
  watch(
    () => useConnectionStore().generation,
    () => {
      if (loaded.value) void load()
    },
  )

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      const { runs } = await api().call('runs.list', { includeArchived: true, limit: 10_000 })
      byId.value = new Map(runs.map((run) => [run.id, run]))
      loaded.value = true
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    } finally {
      loading.value = false
    }
  }

  async function archive(runId: RunId, archived: boolean): Promise<void> {
    put(await api().call('runs.archive', { runId, archived }))
  }
  async function remove(runId: RunId): Promise<void> {
    await api().call('runs.delete', { runId, confirm: true })
    drop(runId)
  }
  async function tag(runId: RunId, add: string[], remove: string[]): Promise<void> {
    put(await api().call('runs.tag', { runId, add, remove }))
  }
  async function pause(runId: RunId): Promise<void> {
    put(await api().call('runs.pause', { runId }))
  }
  async function resume(runId: RunId): Promise<void> {
    put(await api().call('runs.resume', { runId }))
  }
  /** The same config again from step 0 (every checkpoint damaged, or a fresh try). */
  async function startOver(runId: RunId): Promise<void> {
    put(await api().call('runs.resume', { runId, fromStart: true }))
  }
  async function stop(runId: RunId): Promise<void> {
    put(await api().call('runs.stop', { runId }))
  }

  return {
    byId,
    all,
    tags,
    loading,
    loaded,
    error,
    load,
    put,
    archive,
    remove,
    tag,
    pause,
    resume,
    startOver,
    stop,
  }
})
