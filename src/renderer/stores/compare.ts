import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { Comparison, MetricSeries, RunId } from '../../shared/api'
import { api } from '../api/workbench'

/** The runs being compared: the host's comparison (config diff, numbers) plus curves loaded per metric key. */
export const useCompareStore = defineStore('compare', () => {
  const ids = ref<string[]>([])
  const comparison = shallowRef<Comparison | null>(null)
  const metricKeys = ref<string[]>([])
  /** Per metric key, per run id: the series (downsampled by the host). */
  const curves = shallowRef(new Map<string, Map<string, MetricSeries>>())
  const loading = ref(false)
  const error = ref<string | null>(null)
  let token = 0

  async function load(runIds: readonly string[]): Promise<void> {
    const mine = ++token
    ids.value = [...runIds]
    comparison.value = null
    curves.value = new Map()
    metricKeys.value = []
    error.value = null
    if (runIds.length < 2) return
    loading.value = true
    try {
      const client = api()
      const [result, ...keyLists] = await Promise.all([
        client.call('compare.runs', { runIds: runIds as RunId[] }),
        ...runIds.map((runId) => client.call('runs.metricKeys', { runId: runId as RunId })),
      ])
      if (mine !== token) return
      comparison.value = result
      metricKeys.value = [...new Set(keyLists.flatMap((k) => k.keys.map((x) => x.key)))].sort()
    } catch (e) {
      if (mine === token) error.value = e instanceof Error ? e.message : String(e)
    } finally {
      if (mine === token) loading.value = false
    }
  }

  async function loadCurve(key: string): Promise<void> {
    if (curves.value.has(key)) return
    const mine = token
    const runIds = ids.value
    const results = await Promise.all(
      runIds.map((runId) =>
        api().call('runs.metrics', { runId: runId as RunId, keys: [key], maxPoints: 2_000 }),
      ),
    )
    if (mine !== token) return
    const byRun = new Map<string, MetricSeries>()
    results.forEach((r, i) => {
      const series = r.series.find((s) => s.key === key)
      if (series) byRun.set(runIds[i]!, series)
    })
    const next = new Map(curves.value)
    next.set(key, byRun)
    curves.value = next
  }

  return { ids, comparison, metricKeys, curves, loading, error, load, loadCurve }
})
