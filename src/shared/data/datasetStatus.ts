import { z } from 'zod'
import { DatasetName } from './datasets'

/** The datasets that live in files (everything but the generated one): what can be downloaded. */
export const FileDatasetName = DatasetName.exclude(['synthetic'])
export type FileDatasetName = z.infer<typeof FileDatasetName>

/** Where a dataset was found, or why it is not usable, and how to get it (`data list`, the Datasets page). */
export const DatasetStatus = z.object({
  name: DatasetName,
  title: z.string(),
  status: z.enum(['found', 'missing', 'broken', 'generated']),
  /** The usable folder when found. */
  folder: z.string().nullable(),
  /** "60,000 training + 10,000 test images (gzipped IDX)", or why it is missing. */
  summary: z.string(),
  /** Folders that look like the dataset but cannot be read, with the reason. */
  problems: z.array(z.object({ folder: z.string(), message: z.string() })),
  /** Every folder looked at, in order. */
  searched: z.array(z.string()),
  /** What downloading it would fetch, and where it would go (null for the generated dataset). */
  download: z.object({ bytes: z.number(), host: z.string(), into: z.string() }).nullable(),
  /** How to install it by hand, one step a line (indented lines belong to the step above). */
  manualSteps: z.array(z.string()),
})
export type DatasetStatus = z.infer<typeof DatasetStatus>

/** One dataset download the host runs: its progress over all the dataset's files, then how it ended. */
export const DatasetDownload = z.object({
  name: FileDatasetName,
  state: z.enum(['downloading', 'done', 'failed', 'cancelled']),
  /** The file being fetched now. */
  file: z.string().nullable(),
  receivedBytes: z.number().min(0),
  totalBytes: z.number().min(0).nullable(),
  bytesPerSecond: z.number().min(0),
  secondsLeft: z.number().min(0).nullable(),
  /** Why it failed (with the manual steps), or where it was installed. */
  message: z.string().nullable(),
  /** The installed folder once done. */
  folder: z.string().nullable(),
})
export type DatasetDownload = z.infer<typeof DatasetDownload>
