import type { HostToTrainer } from '../../src/shared/protocol/trainerMessages'
import type { TrainerExit, TrainerLauncher, TrainerProcess } from '../../src/main/host/trainerLauncher'
import { runMessages, type RunShape } from './paperScaleRun'

export interface ScriptedRun {
  readonly shape: RunShape
  /** Real time: the stream advances this many steps a second. Absent: as fast as the host takes it. */
  readonly stepsPerSecond?: number
  /** Told when each batch of messages (up to `step`) has been handed to the host. */
  readonly onBatch?: (step: number, at: number) => void
}

/**
 * A trainer in this process that plays a `RunShape`'s message stream into the host: every message
 * still takes the production path (the session's `TrainerToHost` validation, the flusher, SQLite,
 * the event hub), only tfjs is left out. `scriptFor` picks the stream for each launched run, in order.
 */
export function scriptedLauncher(scriptFor: (runIndex: number) => ScriptedRun): TrainerLauncher {
  let launched = 0
  return {
    launch: () => scriptedTrainer(scriptFor(launched++)),
  }
}

function scriptedTrainer(script: ScriptedRun): TrainerProcess {
  const listeners: ((message: unknown) => void)[] = []
  const exits: ((exit: TrainerExit) => void)[] = []
  let ended = false
  let stopping = false
  const emit = (message: unknown) => listeners.forEach((l) => l(message))
  const exit = (result: TrainerExit) => {
    if (ended) return
    ended = true
    exits.forEach((l) => l(result))
  }

  async function play(): Promise<void> {
    const started = performance.now()
    for (const { step, messages } of runMessages(script.shape)) {
      if (stopping || ended) break
      if (script.stepsPerSecond) {
        const dueMs = started + (step / script.stepsPerSecond) * 1000 - performance.now()
        await new Promise((r) => setTimeout(r, Math.max(0, dueMs)))
      } else {
        // Let the flusher's timer and the clients' sockets run between batches.
        await new Promise((r) => setImmediate(r))
      }
      if (stopping || ended) break
      for (const message of messages) emit(message)
      script.onBatch?.(step, Date.now())
    }
    setTimeout(() => exit({ code: 0, signal: null }), 0)
  }

  setImmediate(() => emit({ type: 'ready', pid: process.pid, node: process.version }))
  return {
    pid: process.pid,
    send(message: HostToTrainer) {
      if (ended) return false
      if (message.type === 'start') void play()
      if (message.type === 'stop') stopping = true
      return true
    },
    onMessage: (listener) => listeners.push(listener),
    onExit: (listener) => exits.push(listener),
    kill: () => exit({ code: null, signal: 'SIGKILL' }),
  }
}
