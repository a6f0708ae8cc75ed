import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { BenchRecord, RunId } from '../../shared/api'
import type { BenchRequest } from '../../shared/protocol/trainerMessages'
import type { z } from 'zod'
import { api } from '../api/workbench'

export type BenchRequestInput = z.input<typeof BenchRequest>

/** Benchmarks, newest first, kept current by `benchChanged` push events. */
export const useBenchStore = defineStore('bench', () => {
  const records = shallowRef<BenchRecord[]>([])
  const error = ref<string | null>(null)
  const loaded = ref(false)
  let listening = false

  const sorted = computed(() => [...records.value].sort((a, b) => b.createdAt - a.createdAt))

  function put(record: BenchRecord): void {
    records.value = [record, ...records.value.filter((r) => r.id !== record.id)]
  }

  async function load(): Promise<void> {
    if (!listening) {
      listening = true
      api().onEvent((event) => {
        if (event.type === 'benchChanged') put(event.bench)
      })
    }
    try {
      const { benchmarks } = await api().call('bench.list', { limit: 500 })
      records.value = benchmarks
      loaded.value = true
      error.value = null
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    }
  }

  async function start(request: BenchRequestInput, runId?: string): Promise<BenchRecord> {
    const record = await api().call('bench.run', { request, runId: runId as RunId | undefined })
    put(record)
    return record
  }

  return { records: sorted, error, loaded, load, start, put }
})
