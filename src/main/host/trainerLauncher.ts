import type { BackendChoice } from '../../shared/backends/backendNames'
import type { HostToTrainer } from '../../shared/protocol/trainerMessages'

/**
 * How the supervisor starts one trainer process. Headless: `child_process.fork` (forkTrainerLauncher.ts);
 * Electron: `utilityProcess.fork(out/main/trainer.js, { serviceName })` (src/main/electron).
 */
export interface TrainerLauncher {
  launch(options: TrainerLaunchOptions): TrainerProcess
}

export interface TrainerLaunchOptions {
  /** `trainer-<runId>` or `bench-<benchId>`: names the process in logs and task managers. */
  readonly serviceName: string
  /** Extra environment for the trainer (on top of the host's). */
  readonly env?: Readonly<Record<string, string>>
  /** The backend the run or benchmark asks for: the desktop shell starts webgpu outside Electron. */
  readonly backend?: BackendChoice
}

/** What the supervisor needs of a running trainer; every incoming message is untrusted (validated later). */
export interface TrainerProcess {
  /** OS process id, once known. */
  readonly pid: number | undefined
  /** Called once with the pid when a launcher learns it only after the process has spawned (Electron). */
  onSpawn?(listener: (pid: number) => void): void
  /** Returns false when the channel is already closed (the process is gone or going). */
  send(message: HostToTrainer): boolean
  onMessage(listener: (message: unknown) => void): void
  /** Called exactly once, whether the process exits, crashes, is killed or never started. */
  onExit(listener: (exit: TrainerExit) => void): void
  /** SIGKILL (or the platform's equivalent): the last resort after a bounded wait. */
  kill(): void
}

export interface TrainerExit {
  readonly code: number | null
  readonly signal: string | null
  /** A reason the platform knows better than an exit code (Electron's `child-process-gone` details). */
  readonly reason?: 'clean-exit' | 'crashed' | 'oom' | 'killed' | 'launch-failed'
  /** The end of the trainer's stderr, for crash reports. */
  readonly stderrTail?: string
  /** Set when the process could not be started at all. */
  readonly error?: string
  /** What a remote executor knows of the end (e.g. `Slurm job 12_3 hit its time limit`); leads the message. */
  readonly detail?: string
}
