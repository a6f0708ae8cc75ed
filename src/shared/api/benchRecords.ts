import { z } from 'zod'
import { BenchRequest, BenchResult, BenchRuntime } from '../protocol/trainerMessages'
import { RunId } from './runRecords'

export const BenchId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)
  .brand<'BenchId'>()
export type BenchId = z.infer<typeof BenchId>

/** Latency distribution of one network at one batch size. */
export const BenchStat = z.object({
  runtime: BenchRuntime.default('tfjs'),
  variant: z.enum(['dense', 'slimmed']),
  batchSize: z.number().int().positive(),
  medianMs: z.number().nonnegative(),
  p10Ms: z.number().nonnegative(),
  p90Ms: z.number().nonnegative(),
  imagesPerSecond: z.number().nonnegative(),
})
export type BenchStat = z.infer<typeof BenchStat>

export const BenchSummary = z.object({
  stats: z.array(BenchStat),
  /** Dense median latency / slimmed median latency, per runtime and batch size. */
  speedups: z.array(
    z.object({
      runtime: BenchRuntime.default('tfjs'),
      batchSize: z.number().int().positive(),
      speedup: z.number().nonnegative(),
    }),
  ),
})
export type BenchSummary = z.infer<typeof BenchSummary>

export const BenchRecord = z.object({
  id: BenchId,
  runId: RunId.nullable(),
  status: z.enum(['running', 'completed', 'failed']),
  request: BenchRequest,
  result: BenchResult.nullable(),
  summary: BenchSummary.nullable(),
  error: z.string().nullable(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
})
export type BenchRecord = z.infer<typeof BenchRecord>
