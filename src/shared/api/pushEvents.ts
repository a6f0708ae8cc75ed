import { z } from 'zod'
import { TrainerToHost } from '../protocol/trainerMessages'
import { DatasetDownload } from '../data/datasetStatus'
import { BenchRecord } from './benchRecords'
import { RunId, RunStatus, RunSummary } from './runRecords'

/** Events the host pushes to clients, besides call responses. */
export const PushEvent = z.discriminatedUnion('type', [
  /** To every client: a run was created, changed status, or its tags/notes/archive flag changed. */
  z.object({ type: z.literal('runChanged'), run: RunSummary, previousStatus: RunStatus.nullable() }),
  /** To every client: a run and its data are gone. */
  z.object({ type: z.literal('runDeleted'), runId: RunId }),
  /** To subscribers of the run: a validated trainer message (progress, metrics, snapshots, events…). */
  z.object({ type: z.literal('runMessage'), runId: RunId, message: TrainerToHost }),
  /** To every client: a benchmark started, finished or failed. */
  z.object({ type: z.literal('benchChanged'), bench: BenchRecord }),
  /** To every client: a dataset download progressed, finished, failed or was cancelled. */
  z.object({ type: z.literal('datasetChanged'), download: DatasetDownload }),
])
export type PushEvent = z.infer<typeof PushEvent>
