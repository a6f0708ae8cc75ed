import { z } from 'zod'
import { RunId } from '../api/runRecords'

/**
 * What a trainer on a cluster node sends its host (`remote.push`): the run's trainer messages, numbered
 * from 1 without gaps, so a batch resent after a network cut is recognised and taken once. The host
 * validates each message against `TrainerToHost` itself; here they are only carried.
 */
export const RemotePushRequest = z.object({
  runId: RunId,
  /** The per-run secret the host wrote into the task's manifest. */
  token: z.string().min(32).max(128),
  /** Sequence number of `messages[0]`. */
  firstSeq: z.number().int().min(1),
  messages: z.array(z.unknown()).max(5_000),
  /** Set on the last push: how the trainer process ended on the node. */
  exit: z
    .object({
      code: z.number().int().nullable(),
      signal: z.string().max(20).nullable(),
      stderrTail: z.string().max(8192).optional(),
    })
    .optional(),
})
export type RemotePushRequest = z.infer<typeof RemotePushRequest>

export const RemotePushResponse = z.object({
  /** Every message up to this number is stored: the node may drop them from its buffer. */
  acceptedThrough: z.number().int().min(0),
  /** `stop`: checkpoint and exit (the user stopped the run); `continue` otherwise. */
  command: z.enum(['continue', 'stop', 'pause', 'resume']),
})
export type RemotePushResponse = z.infer<typeof RemotePushResponse>
