import { z } from 'zod'
import { DatasetStatus, FileDatasetName } from '../data/datasetStatus'

/**
 * The contract of a dataset task process (src/trainer/data/datasetTaskMain.ts): the host starts one per
 * task with the task in `CHASE_WORKBENCH_DATASET_TASK` (JSON), and the process answers with these
 * messages, then exits. Cancelling a download is killing its process; what it fetched is kept for resume.
 */
export const datasetTaskVariable = 'CHASE_WORKBENCH_DATASET_TASK'

export const DatasetTask = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('list') }),
  /** `root`: install under this folder instead of the data root, and read the dataset from there. */
  z.object({
    kind: z.literal('download'),
    name: FileDatasetName,
    root: z.string().min(1).max(4096).optional(),
  }),
  z.object({ kind: z.literal('use'), name: FileDatasetName, folder: z.string().min(1).max(4096) }),
])
export type DatasetTask = z.infer<typeof DatasetTask>

/** One file's download so far, as the CLI's progress bar draws it. */
export const FileDownloadProgress = z.object({
  file: z.string(),
  /** Bytes on disk for this file, including those kept from an earlier, interrupted try. */
  receivedBytes: z.number().min(0),
  totalBytes: z.number().min(0).nullable(),
  bytesPerSecond: z.number().min(0),
  done: z.boolean(),
})
export type FileDownloadProgress = z.infer<typeof FileDownloadProgress>

export const DatasetTaskMessage = z.discriminatedUnion('type', [
  /** Bytes over all the dataset's files so far (about ten a second). */
  z.object({
    type: z.literal('progress'),
    file: z.string(),
    receivedBytes: z.number().min(0),
    totalBytes: z.number().min(0).nullable(),
    bytesPerSecond: z.number().min(0),
    /** The file in flight; a file's last report (`done`) is always sent. */
    current: FileDownloadProgress,
  }),
  z.object({
    type: z.literal('list'),
    datasets: z.array(DatasetStatus),
    dataRoot: z.string(),
    mirror: z.string().nullable(),
  }),
  /** A download or a chosen folder succeeded: the dataset's status now. */
  z.object({
    type: z.literal('done'),
    status: DatasetStatus,
    notes: z.array(z.string()),
    /** Where a download put the dataset. */
    folder: z.string().optional(),
  }),
  /** A problem the user can act on (the message says how), or an unexpected error. */
  z.object({ type: z.literal('failed'), message: z.string(), reason: z.string() }),
])
export type DatasetTaskMessage = z.infer<typeof DatasetTaskMessage>
