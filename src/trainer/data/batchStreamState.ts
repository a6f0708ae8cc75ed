import { z } from 'zod'
import { DatasetError, formatCount } from './datasetError'

const RngWords = z.tuple([
  z.number().int().min(0).max(0xffffffff),
  z.number().int().min(0).max(0xffffffff),
  z.number().int().min(0).max(0xffffffff),
  z.number().int().min(0).max(0xffffffff),
])

/**
 * Where a batch stream stands, small and JSON-safe: a checkpoint stores it, and a stream restored from
 * it delivers exactly the batches the original would have delivered next.
 */
export const BatchStreamState = z.object({
  version: z.literal(1),
  /** The epoch of the next batch (0-based). */
  epoch: z.number().int().min(0),
  /** The next batch's index within its epoch. */
  batchInEpoch: z.number().int().min(0),
  /** The order Rng before this epoch's shuffle: the epoch's order is rebuilt from it. */
  orderRng: RngWords,
  /** The augmentation Rng after the last delivered batch. */
  augmentRng: RngWords,
  /** Guards: a state only fits a stream over the same number of images with the same batch size. */
  splitSize: z.number().int().min(0),
  batchSize: z.number().int().positive(),
})
export type BatchStreamState = z.infer<typeof BatchStreamState>

/** Validates a state read from a checkpoint against the stream it is restored into. */
export function checkBatchStreamState(
  state: unknown,
  stream: { splitSize: number; batchSize: number; batchesPerEpoch: number },
): BatchStreamState {
  const parsed = BatchStreamState.safeParse(state)
  if (!parsed.success) {
    throw new DatasetError(
      `The checkpoint's data position is not valid (${parsed.error.issues[0]?.message}): start fresh`,
    )
  }
  const s = parsed.data
  if (s.splitSize !== stream.splitSize || s.batchSize !== stream.batchSize) {
    throw new DatasetError(
      `The checkpoint's data position was taken with batch size ${s.batchSize} over ${formatCount(s.splitSize)} ` +
        `training images; this run has batch size ${stream.batchSize} over ${formatCount(stream.splitSize)}: ` +
        'resume with the same data settings (dataset, trainLimit, validationSplit, batch size) or start fresh',
    )
  }
  if (s.batchInEpoch >= stream.batchesPerEpoch) {
    throw new DatasetError(
      `The checkpoint's data position (batch ${s.batchInEpoch} of the epoch) is past the epoch's ` +
        `${stream.batchesPerEpoch} batches: start fresh`,
    )
  }
  return s
}
