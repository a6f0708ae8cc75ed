/**
 * Slurm's job states as data: whether the job is still alive, and for an ended job how the run ends when
 * its trainer did not report a result itself. `interrupted` runs resume from their last checkpoint.
 */
export type SlurmEnd = 'completed' | 'failed' | 'interrupted'

interface StateMeaning {
  readonly alive: boolean
  /** For ended jobs: the run's status when no `done`/`failed` message arrived. */
  readonly end?: SlurmEnd
  /** Worth resubmitting from the checkpoint without asking (up to the user's limit). */
  readonly retryable?: boolean
  readonly words: string
}

const states: Readonly<Record<string, StateMeaning>> = {
  PENDING: { alive: true, words: 'waiting in the queue' },
  CONFIGURING: { alive: true, words: 'nodes booting' },
  RUNNING: { alive: true, words: 'running' },
  COMPLETING: { alive: true, words: 'finishing' },
  SUSPENDED: { alive: true, words: 'suspended by Slurm' },
  REQUEUED: { alive: true, words: 'requeued by Slurm' },
  RESIZING: { alive: true, words: 'resizing' },
  SIGNALING: { alive: true, words: 'being signalled' },
  STAGE_OUT: { alive: true, words: 'staging out' },
  COMPLETED: { alive: false, end: 'completed', words: 'completed' },
  // A job that fails without the trainer saying why crashed on the node (see its stderr there).
  FAILED: { alive: false, end: 'failed', words: 'failed on the node' },
  OUT_OF_MEMORY: { alive: false, end: 'failed', words: 'ran out of memory on the node' },
  BOOT_FAIL: { alive: false, end: 'interrupted', retryable: true, words: 'its node failed to boot' },
  CANCELLED: { alive: false, end: 'interrupted', words: 'cancelled' },
  DEADLINE: { alive: false, end: 'interrupted', words: 'reached its deadline' },
  TIMEOUT: { alive: false, end: 'interrupted', retryable: true, words: 'hit its time limit' },
  NODE_FAIL: { alive: false, end: 'interrupted', retryable: true, words: 'lost its node' },
  PREEMPTED: { alive: false, end: 'interrupted', retryable: true, words: 'was preempted' },
}

/** `CANCELLED by 0` and `CANCELLED+` are CANCELLED; an unknown state reads as alive (ask again later). */
export function slurmState(raw: string): StateMeaning & { readonly name: string } {
  const name = raw.trim().split(/[\s+]/)[0]!.toUpperCase()
  return { name, ...(states[name] ?? { alive: true, words: `in Slurm state ${name}` }) }
}
