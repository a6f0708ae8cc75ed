import type { RunStore } from './runStore'

export interface ExportedFile {
  readonly fileName: string
  readonly mimeType: string
  readonly content: string
}

const csvField = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text)

/** csv: every metric point as `key,step,value`; json: the run with all its series, snapshots and events. */
export function exportRun(store: RunStore, runId: string, format: 'csv' | 'json'): ExportedFile {
  const detail = store.getDetail(runId)
  if (!detail) throw new Error(`No run "${runId}"`)
  const series = store.series.metrics(runId)
  if (format === 'csv') {
    const lines = ['key,step,value']
    for (const s of series) {
      const key = csvField(s.key)
      for (let i = 0; i < s.steps.length; i++) lines.push(`${key},${s.steps[i]},${s.values[i]}`)
    }
    return { fileName: `${runId}-metrics.csv`, mimeType: 'text/csv', content: `${lines.join('\n')}\n` }
  }
  const content = JSON.stringify(
    {
      run: detail,
      metrics: series.map(({ key, steps, values }) => ({ key, steps, values })),
      layerSnapshots: store.series.layerSnapshots(runId),
      events: store.series.events(runId, { limit: 1_000_000 }),
    },
    null,
    1,
  )
  return { fileName: `${runId}.json`, mimeType: 'application/json', content }
}
