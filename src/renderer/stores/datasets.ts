import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { DatasetDownload, DatasetStatus, FileDatasetName } from '../../shared/data/datasetStatus'
import { api } from '../api/workbench'

/**
 * The datasets on the host and the downloads it runs, kept current by `datasetChanged` push events.
 * A download that ends reloads the list, so "installed" shows without a refresh.
 */
export const useDatasetsStore = defineStore('datasets', () => {
  const statuses = shallowRef<DatasetStatus[]>([])
  const downloads = shallowRef<Partial<Record<FileDatasetName, DatasetDownload>>>({})
  const dataRoot = ref('')
  const mirror = ref<string | null>(null)
  const loaded = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)
  let listening = false

  const byName = computed(() => new Map(statuses.value.map((s) => [s.name, s])))

  function put(download: DatasetDownload): void {
    downloads.value = { ...downloads.value, [download.name]: download }
  }

  async function load(): Promise<void> {
    if (!listening) {
      listening = true
      api().onEvent((event) => {
        if (event.type !== 'datasetChanged') return
        put(event.download)
        if (event.download.state === 'done') void load()
      })
    }
    loading.value = true
    try {
      const listing = await api().call('datasets.list', {})
      statuses.value = listing.datasets
      dataRoot.value = listing.dataRoot
      mirror.value = listing.mirror
      downloads.value = Object.fromEntries(listing.downloads.map((d) => [d.name, d]))
      loaded.value = true
      error.value = null
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    } finally {
      loading.value = false
    }
  }

  async function download(name: FileDatasetName): Promise<DatasetDownload> {
    const started = await api().call('datasets.download', { name })
    put(started)
    return started
  }

  async function cancel(name: FileDatasetName): Promise<void> {
    put(await api().call('datasets.cancel', { name }))
  }

  /** Checks `folder` on the host and reads the dataset from it; throws the host's reason when it is not usable. */
  async function useFolder(name: FileDatasetName, folder: string): Promise<DatasetStatus> {
    const status = await api().call('datasets.useFolder', { name, folder })
    statuses.value = statuses.value.map((s) => (s.name === name ? status : s))
    return status
  }

  return {
    statuses,
    byName,
    downloads,
    dataRoot,
    mirror,
    loaded,
    loading,
    error,
    load,
    download,
    cancel,
    useFolder,
  }
})
