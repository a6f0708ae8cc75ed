import { z } from 'zod'

/** The formats of a run's data export (networks go through `runs.exportArtifact`). */
export const RunExportFormat = z.enum(['csv', 'json'])
export type RunExportFormat = z.infer<typeof RunExportFormat>

/** A position in an export: where the next page starts (the host keeps no state between pages). */
export const exportCursorPattern = /^(head|metric:\d{1,6}|snapshots:-1|snapshots:\d{1,12}|events:\d{1,15})$/
export const ExportCursor = z
  .string()
  .regex(exportCursorPattern, 'pass back the "next" of the previous page, or no cursor to start')

/** One page of an export: append `chunk` to the pages before; `next` is null on the last page. */
export const RunExportPage = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  chunk: z.string(),
  next: ExportCursor.nullable(),
})
export type RunExportPage = z.infer<typeof RunExportPage>
