import { z } from 'zod'
import { TrainerToHost } from '../protocol/trainerMessages'
import { DatasetDownload } from '../data/datasetStatus'
import { BenchRecord } from './benchRecords'
import { RunId, RunStatus, RunSummary } from './runRecords'

/** A run's live message number; 0 means none yet. */
export const RunSeq = z.number().int().min(0)

/** Events the host pushes to clients, besides call responses. */
export const PushEvent = z.discriminatedUnion('type', [
  /** To every client: a run was created, changed status, or its tags/notes/archive flag changed. */
  z.object({ type: z.literal('runChanged'), run: RunSummary, previousStatus: RunStatus.nullable() }),
  /** To every client: a run and its data are gone. */
  z.object({ type: z.literal('runDeleted'), runId: RunId }),
  /**
   * To subscribers of the run: a validated trainer message (progress, metrics, snapshots, events…).
   * `seq` counts the run's messages (1, 2, 3… per host lifetime): a jump means some were not delivered.
   */
  z.object({ type: z.literal('runMessage'), runId: RunId, seq: RunSeq, message: TrainerToHost }),
  /**
   * To one subscriber: messages `fromSeq..toSeq` of the run were held back (the client was too slow to
   * take them); they are in the store, read them from there. Never a silent drop.
   */
  z.object({ type: z.literal('runGap'), runId: RunId, fromSeq: RunSeq, toSeq: RunSeq }),
  /** To every client: a benchmark started, finished or failed. */
  z.object({ type: z.literal('benchChanged'), bench: BenchRecord }),
  /** To every client: a dataset download progressed, finished, failed or was cancelled. */
  z.object({ type: z.literal('datasetChanged'), download: DatasetDownload }),
])
export type PushEvent = z.infer<typeof PushEvent>
