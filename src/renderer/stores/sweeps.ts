import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { SweepDetail, SweepSummary } from '../../shared/api'
import { api } from '../api/workbench'

/** The sweeps list and the one sweep on screen, refreshed while any of its runs is active. */
export const useSweepsStore = defineStore('sweeps', () => {
  const list = shallowRef<SweepSummary[]>([])
  const detail = shallowRef<SweepDetail | null>(null)
  const error = ref('')

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
      detail.value = await api().call('sweeps.get', { sweepId: sweepId as never })
      error.value = ''
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    }
  }

  /** Runs a sweep action and shows the sweep as it is afterwards (or the error). */
  async function act(action: () => Promise<SweepDetail | unknown>): Promise<void> {
    try {
      const result = await action()
      if (result && typeof result === 'object' && 'cellRecords' in result)
        detail.value = result as SweepDetail
      error.value = ''
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    }
  }

  return { list, detail, error, loadList, load, act }
})
