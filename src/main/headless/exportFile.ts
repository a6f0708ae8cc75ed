import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { exportPages, type ExportFormat } from '../host/exportPages'
import type { RunStore } from '../host/runStore'

/**
 * Writes a run's csv/json export to `path` page by page (memory stays at one page however dense the
 * run), into `<path>.part` first: a failure (disk full, a bad folder) leaves no half-written file
 * under the name asked for.
 */
export function writeExportFile(store: RunStore, runId: string, format: ExportFormat, path: string): void {
  const partial = `${path}.part`
  const fd = openSync(partial, 'w')
  try {
    for (const page of exportPages(store, runId, format)) writeSync(fd, page.chunk)
    closeSync(fd)
    renameSync(partial, path)
  } catch (error) {
    try {
      closeSync(fd)
    } catch {
      // Already closed.
    }
    rmSync(partial, { force: true })
    throw error
  }
}
