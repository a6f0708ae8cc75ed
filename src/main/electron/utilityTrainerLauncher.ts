import type { App, UtilityProcess } from 'electron'
import type { TrainerExit, TrainerLauncher, TrainerProcess } from '../host/trainerLauncher'

type Fork = (
  modulePath: string,
  args: string[],
  options: { serviceName: string; env: NodeJS.ProcessEnv; stdio: ('ignore' | 'pipe')[] },
) => UtilityProcess

export interface UtilityLauncherOptions {
  /** How long a killed process may take to report its exit before we report it ourselves. */
  readonly exitAfterKillMs?: number
}

const stderrTailChars = 4000

/**
 * Starts each trainer as an Electron utility process (`serviceName` = `trainer-<runId>`), the way VS Code
 * runs its helpers. Electron tells why a child died (`child-process-gone`: crashed, oom, killed…), which
 * beats guessing from an exit code. The contract's "onExit exactly once" holds even when the process
 * never spawns, dies of a V8 fatal error, or is killed before it started (Electron then sends no exit).
 */
export function utilityTrainerLauncher(
  app: App,
  fork: Fork,
  entry: string,
  options: UtilityLauncherOptions = {},
): TrainerLauncher {
  const exitAfterKillMs = options.exitAfterKillMs ?? 5000
  const goneReasons = new Map<string, TrainerExit['reason']>()
  app.on('child-process-gone', (_event, details) => {
    if (details.type === 'Utility' && details.name) goneReasons.set(details.name, mapReason(details.reason))
  })

  return {
    launch({ serviceName, env }): TrainerProcess {
      const exitListeners: ((exit: TrainerExit) => void)[] = []
      const spawnListeners: ((pid: number) => void)[] = []
      let exited: TrainerExit | undefined
      let stderrTail = ''
      let fatalError: string | undefined
      let pid: number | undefined
      let spawned = false
      let killRequested = false
      let killDeadline: NodeJS.Timeout | undefined
      const finish = (exit: TrainerExit) => {
        if (exited) return
        clearTimeout(killDeadline)
        goneReasons.delete(serviceName)
        exited = { ...exit, stderrTail, ...(fatalError && !exit.error ? { error: fatalError } : {}) }
        for (const listener of exitListeners.splice(0)) listener(exited)
      }

      let child: UtilityProcess
      try {
        // stdout is ignored (the trainer reports over messages); stderr is kept for crash reports.
        child = fork(entry, [], {
          serviceName,
          env: { ...process.env, ...env },
          stdio: ['ignore', 'ignore', 'pipe'],
        })
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        queueMicrotask(() =>
          finish({
            code: null,
            signal: null,
            reason: 'launch-failed',
            error: `could not start ${entry}: ${message}`,
          }),
        )
        return {
          pid: undefined,
          send: () => false,
          onMessage: () => {},
          onExit: (listener) => (exited ? listener(exited) : exitListeners.push(listener)),
          kill: () => {},
        }
      }

      child.stderr?.on('data', (chunk: Buffer) => {
        stderrTail = (stderrTail + chunk.toString()).slice(-stderrTailChars)
      })
      child.once('spawn', () => {
        spawned = true
        pid = child.pid
        if (killRequested) child.kill()
        else if (pid !== undefined) for (const listener of spawnListeners) listener(pid)
      })
      // A V8 fatal error in the trainer: without a listener it would be thrown in the main process.
      child.on('error', (type, location) => {
        fatalError = `the trainer hit a ${type} at ${location}`
        child.kill()
      })
      child.on('exit', (code) => {
        // Electron emits child-process-gone just before exit; give it a tick to land.
        setImmediate(() => {
          const reason =
            goneReasons.get(serviceName) ??
            (fatalError ? 'crashed' : killRequested ? 'killed' : code === 0 ? 'clean-exit' : 'crashed')
          finish({ code, signal: null, reason })
        })
      })
      return {
        get pid() {
          return pid
        },
        send(message) {
          if (exited) return false
          child.postMessage(message)
          return true
        },
        onMessage: (listener) => child.on('message', listener),
        onSpawn: (listener) => (pid !== undefined ? listener(pid) : spawnListeners.push(listener)),
        onExit: (listener) => (exited ? listener(exited) : exitListeners.push(listener)),
        kill() {
          if (exited || killRequested) return
          killRequested = true
          if (spawned) child.kill()
          // Bounded: a process killed before it spawned, or one that never answers, still ends here.
          killDeadline = setTimeout(
            () => finish({ code: null, signal: null, reason: 'killed', error: 'did not exit after kill' }),
            exitAfterKillMs,
          )
          killDeadline.unref?.()
        },
      }
    },
  }
}

function mapReason(reason: string): TrainerExit['reason'] {
  switch (reason) {
    case 'clean-exit':
      return 'clean-exit'
    case 'oom':
      return 'oom'
    case 'killed':
      return 'killed'
    case 'launch-failed':
      return 'launch-failed'
    default:
      return 'crashed'
  }
}
