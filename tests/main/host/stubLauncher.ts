import type { HostToTrainer } from '../../../src/shared/protocol/trainerMessages'
import type { TrainerExit, TrainerLauncher, TrainerProcess } from '../../../src/main/host/trainerLauncher'

/** An in-memory trainer the test drives message by message (no process). */
export interface StubTrainer {
  readonly sent: HostToTrainer[]
  emit(message: unknown): void
  exit(exit: TrainerExit): void
}

export function stubLauncher(): TrainerLauncher & { trainers: StubTrainer[] } {
  const trainers: StubTrainer[] = []
  return {
    trainers,
    launch(): TrainerProcess {
      const messageListeners: ((m: unknown) => void)[] = []
      const exitListeners: ((e: TrainerExit) => void)[] = []
      let exited = false
      const trainer: StubTrainer = {
        sent: [],
        emit: (message) => messageListeners.forEach((l) => l(message)),
        exit: (exit) => {
          if (exited) return
          exited = true
          exitListeners.forEach((l) => l(exit))
        },
      }
      trainers.push(trainer)
      return {
        pid: 424242,
        send: (message) => {
          trainer.sent.push(message)
          return !exited
        },
        onMessage: (l) => messageListeners.push(l),
        onExit: (l) => exitListeners.push(l),
        kill: () => queueMicrotask(() => trainer.exit({ code: null, signal: 'SIGKILL' })),
      }
    },
  }
}
