import { z } from 'zod'
import { RunId, RunStatus } from './runRecords'
import { ExecutorName, SweepAxis, SweepCombine } from '../sweep/sweepSpec'
import { RunResult } from '../protocol/trainerMessages'

/** A sweep as the API returns it: its axes, and one cell per run with the run's live state. */

export const SweepId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^sweep-[A-Za-z0-9._-]+$/, { message: 'a sweep id looks like sweep-20261207-041500-3fa9c1' })
  .brand<'SweepId'>()
export type SweepId = z.infer<typeof SweepId>

/** Where Slurm has a cell's job, with Slurm's own words for it. */
export const SlurmJobState = z.object({
  jobId: z.string(),
  /** PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL, PREEMPTED, … */
  state: z.string(),
  reason: z.string().nullable(),
  submissions: z.number().int(),
})
export type SlurmJobState = z.infer<typeof SlurmJobState>

export const SweepCellRecord = z.object({
  index: z.number().int().min(0),
  values: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  runId: RunId.nullable(),
  status: RunStatus.nullable(),
  /** Steps done / planned, from the run's last progress message. */
  step: z.number().int().nullable(),
  totalSteps: z.number().int().nullable(),
  result: RunResult.nullable(),
  slurm: SlurmJobState.nullable(),
})
export type SweepCellRecord = z.infer<typeof SweepCellRecord>

export const SweepSummary = z.object({
  id: SweepId,
  name: z.string(),
  executor: ExecutorName,
  combine: SweepCombine,
  axes: z.array(SweepAxis),
  createdAt: z.number(),
  cells: z.number().int(),
  /** Cells by their run's status. */
  counts: z.record(z.string(), z.number().int()),
})
export type SweepSummary = z.infer<typeof SweepSummary>

export const SweepDetail = SweepSummary.extend({ cellRecords: z.array(SweepCellRecord) })
export type SweepDetail = z.infer<typeof SweepDetail>
