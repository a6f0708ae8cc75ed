import { z } from 'zod'
import { BenchRequest } from '../../shared/protocol/trainerMessages'

export interface NumberLimits {
  readonly min: number
  readonly max: number
}

/** The bounds of a number field of a schema, looking through defaults and arrays to the number. */
function limitsOf(schema: z.ZodType): NumberLimits {
  let inner: z.ZodType = schema
  for (;;) {
    if (inner instanceof z.ZodNumber) return boundsOf(inner)
    if (inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType
    else if (inner instanceof z.ZodArray) inner = inner.element as z.ZodType
    else throw new Error('benchLimits: the field is not a number, a number list or a defaulted one')
  }
}

/** Inclusive bounds: an exclusive one (`positive()` is `> 0`) moves to the next whole number for ints. */
function boundsOf(schema: z.ZodNumber): NumberLimits {
  const inclusive = (bound: number | null, step: number): number => {
    if (bound === null) return -step * Infinity
    return schema.safeParse(bound).success || !schema.isInt ? bound : bound + step
  }
  return { min: inclusive(schema.minValue, 1), max: inclusive(schema.maxValue, -1) }
}

/** The benchmark form's limits, read from the request schema the host validates with. */
export const benchLimits = {
  batchSize: limitsOf(BenchRequest.shape.batchSizes),
  warmup: limitsOf(BenchRequest.shape.warmup),
  reps: limitsOf(BenchRequest.shape.reps),
  channelSparsity: limitsOf(BenchRequest.shape.channelSparsity),
} as const
