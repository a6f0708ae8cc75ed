import type { HostToTrainer } from '../../../shared/protocol/trainerMessages'
import type { RemoteCommand } from '../remoteRunStore'
import type { TrainerExit, TrainerProcess } from '../trainerLauncher'

/**
 * A trainer running on a cluster node, seen through the `TrainerProcess` contract, so the supervisor's
 * session code (validation, ingest, status) is the same for local and Slurm runs. Messages arrive by
 * `deliver` (the API's `remote.push`); the end by `exit` (the node's report, or Slurm's word for the job).
 */
export class RemoteTrainerProcess implements TrainerProcess {
  readonly pid = undefined
  private readonly messageListeners: ((message: unknown) => void)[] = []
  private readonly exitListeners: ((exit: TrainerExit) => void)[] = []
  private ended: TrainerExit | undefined

  constructor(
    private readonly hooks: {
      /** A command for the node, carried back in the answer to its next push. */
      readonly command: (command: RemoteCommand) => void
      /** The last resort after a bounded wait: `scancel`. */
      readonly kill: () => void
    },
  ) {}

  get hasExited(): boolean {
    return this.ended !== undefined
  }

  send(message: HostToTrainer): boolean {
    if (this.ended) return false
    // `start` is not sent: the node's manifest already holds the config and the checkpoint.
    if (message.type === 'stop' || message.type === 'pause' || message.type === 'resume')
      this.hooks.command(message.type)
    return true
  }

  onMessage(listener: (message: unknown) => void): void {
    this.messageListeners.push(listener)
  }

  onExit(listener: (exit: TrainerExit) => void): void {
    if (this.ended) listener(this.ended)
    else this.exitListeners.push(listener)
  }

  kill(): void {
    if (!this.ended) this.hooks.kill()
  }

  deliver(message: unknown): void {
    if (this.ended) return
    for (const listener of this.messageListeners) listener(message)
  }

  /** Called exactly once per process (later calls are ignored). */
  exit(exit: TrainerExit): void {
    if (this.ended) return
    this.ended = exit
    for (const listener of this.exitListeners.splice(0)) listener(exit)
  }
}
