import { exportPages, type ExportFormat } from './exportPages'
import type { RunStore } from './runStore'

export interface ExportedFile {
  readonly fileName: string
  readonly mimeType: string
  readonly content: string
}

/**
 * The whole export in one string (`runs.export`, kept for small runs and old clients): the same text as
 * the pages of `exportPage`, which the dashboard and the CLI use so that a dense run never becomes one message.
 */
export function exportRun(store: RunStore, runId: string, format: ExportFormat): ExportedFile {
  const chunks: string[] = []
  let first: { fileName: string; mimeType: string } | null = null
  for (const page of exportPages(store, runId, format)) {
    first ??= page
    chunks.push(page.chunk)
  }
  return { fileName: first!.fileName, mimeType: first!.mimeType, content: chunks.join('') }
}
