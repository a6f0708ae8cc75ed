import type { TrainerExit, TrainerProcess } from './trainerLauncher'

/**
 * A trainer that could not be started: it reports a `launch-failed` exit with `error` on the next
 * microtask (after the caller has attached its listeners), so the run records the reason like any
 * other start failure instead of the launcher throwing.
 */
export function failedLaunch(error: string): TrainerProcess {
  const exit: TrainerExit = { code: null, signal: null, reason: 'launch-failed', error }
  const listeners: ((exit: TrainerExit) => void)[] = []
  let reported = false
  queueMicrotask(() => {
    reported = true
    for (const listener of listeners.splice(0)) listener(exit)
  })
  return {
    pid: undefined,
    send: () => false,
    onMessage: () => {},
    onExit: (listener) => (reported ? listener(exit) : listeners.push(listener)),
    kill: () => {},
  }
}
