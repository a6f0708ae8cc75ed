import {
  exportCursorPattern,
  type RunExportFormat as ExportFormat,
  type RunExportPage as ExportPage,
} from '../../shared/api/runExportPages'
import type { RunStore } from './runStore'

export type { ExportFormat, ExportPage }

// A page stops once it holds about this much text; one piece (a series, 8 snapshots, 2,000 events) at most past it.
const defaultPageChars = 4_000_000
const snapshotsPerPiece = 8
const eventsPerPiece = 2_000

const csvField = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text)

/**
 * One page of a run's export, read from the store piece by piece so that no answer or read holds a
 * whole dense run (a paper-scale JSON export is hundreds of MB). Concatenating the chunks from the first
 * cursor (`undefined`) until `next` is null gives the file: csv, every metric point as `key,step,value`;
 * json, `{ run, metrics, layerSnapshots, events }`.
 */
export function exportPage(
  store: RunStore,
  runId: string,
  format: ExportFormat,
  cursor: string | undefined,
  pageChars = defaultPageChars,
): ExportPage {
  const detail = store.getDetail(runId)
  if (!detail) throw new Error(`No run "${runId}"`)
  if (cursor !== undefined && !exportCursorPattern.test(cursor))
    throw new Error(
      `Bad export cursor "${cursor}": pass back the "next" of the previous page, or none to start`,
    )
  const fileName = format === 'csv' ? `${runId}-metrics.csv` : `${runId}.json`
  const mimeType = format === 'csv' ? 'text/csv' : 'application/json'
  const keys = store.series.metricKeys(runId).map((k) => k.key)
  const parts: string[] = []
  let size = 0
  let at: string | null = cursor ?? 'head'
  while (at !== null && size < pageChars) {
    const piece: Piece =
      format === 'csv' ? csvPiece(store, runId, keys, at) : jsonPiece(store, runId, keys, at)
    parts.push(piece.text)
    size += piece.text.length
    at = piece.next
  }
  return { fileName, mimeType, chunk: parts.join(''), next: at }
}

/** Every page of the export, in order (the CLI writes them to a file one by one). */
export function* exportPages(store: RunStore, runId: string, format: ExportFormat, pageChars?: number) {
  let cursor: string | undefined
  do {
    const page = exportPage(store, runId, format, cursor, pageChars)
    yield page
    cursor = page.next ?? undefined
  } while (cursor !== undefined)
}

interface Piece {
  readonly text: string
  readonly next: string | null
}

function csvPiece(store: RunStore, runId: string, keys: readonly string[], at: string): Piece {
  if (at === 'head') return { text: 'key,step,value\n', next: 'metric:0' }
  const index = Number(at.slice('metric:'.length))
  const key = keys[index]
  if (!at.startsWith('metric:') || key === undefined) return { text: '', next: null }
  const [series] = store.series.metrics(runId, { keys: [key] })
  const field = csvField(key)
  const lines: string[] = []
  if (series)
    for (let i = 0; i < series.steps.length; i++)
      lines.push(`${field},${series.steps[i]},${series.values[i]}\n`)
  return { text: lines.join(''), next: `metric:${index + 1}` }
}

function jsonPiece(store: RunStore, runId: string, keys: readonly string[], at: string): Piece {
  const [section, position] = at.split(':') as [string, string | undefined]
  switch (section) {
    case 'head':
      return { text: `{"run":${JSON.stringify(store.getDetail(runId))},"metrics":[`, next: 'metric:0' }
    case 'metric': {
      const index = Number(position)
      const key = keys[index]
      if (key === undefined) return { text: '],"layerSnapshots":[', next: 'snapshots:-1' }
      const [series] = store.series.metrics(runId, { keys: [key] })
      const { steps, values } = series ?? { steps: [], values: [] }
      return {
        text: `${index > 0 ? ',' : ''}${JSON.stringify({ key, steps, values })}`,
        next: `metric:${index + 1}`,
      }
    }
    case 'snapshots': {
      const after = Number(position)
      const steps = store.series.snapshotStepsAfter(runId, after, snapshotsPerPiece)
      if (steps.length === 0) return { text: '],"events":[', next: 'events:0' }
      const snapshots = store.series.layerSnapshots(runId, { fromStep: steps[0], toStep: steps.at(-1) })
      const text = snapshots.map((s) => JSON.stringify(s)).join(',')
      return { text: `${after >= 0 ? ',' : ''}${text}`, next: `snapshots:${steps.at(-1)!}` }
    }
    default: {
      const after = Number(position)
      const events = store.series.events(runId, { afterId: after, limit: eventsPerPiece })
      if (events.length === 0) return { text: ']}\n', next: null }
      const text = events.map((e) => JSON.stringify(e)).join(',')
      return { text: `${after > 0 ? ',' : ''}${text}`, next: `events:${events.at(-1)!.id}` }
    }
  }
}
