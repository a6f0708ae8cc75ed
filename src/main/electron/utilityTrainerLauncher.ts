import type { App, UtilityProcess } from 'electron'
import type { TrainerExit, TrainerLauncher, TrainerProcess } from '../host/trainerLauncher'

type Fork = (
  modulePath: string,
  args: string[],
  options: { serviceName: string; env: NodeJS.ProcessEnv; stdio: 'pipe' },
) => UtilityProcess

/**
 * Starts each trainer as an Electron utility process (`serviceName` = `trainer-<runId>`), the way VS Code
 * runs its helpers. Electron tells why a child died (`child-process-gone`: crashed, oom, killed…), which
 * beats guessing from an exit code.
 */
export function utilityTrainerLauncher(app: App, fork: Fork, entry: string): TrainerLauncher {
  const goneReasons = new Map<string, TrainerExit['reason']>()
  app.on('child-process-gone', (_event, details) => {
    if (details.type === 'Utility' && details.name) goneReasons.set(details.name, mapReason(details.reason))
  })

  return {
    launch({ serviceName, env }): TrainerProcess {
      const child = fork(entry, [], { serviceName, env: { ...process.env, ...env }, stdio: 'pipe' })
      let stderrTail = ''
      child.stderr?.on('data', (chunk: Buffer) => (stderrTail = (stderrTail + chunk.toString()).slice(-4000)))
      let exited = false
      const exitListeners: ((exit: TrainerExit) => void)[] = []
      child.on('exit', (code) => {
        if (exited) return
        exited = true
        // Electron emits child-process-gone just before exit; give it a tick to land.
        setImmediate(() => {
          const reason = goneReasons.get(serviceName) ?? (code === 0 ? 'clean-exit' : 'crashed')
          goneReasons.delete(serviceName)
          for (const listener of exitListeners) listener({ code, signal: null, reason, stderrTail })
        })
      })
      return {
        get pid() {
          return child.pid
        },
        send(message) {
          if (exited) return false
          child.postMessage(message)
          return true
        },
        onMessage: (listener) => child.on('message', listener),
        onExit: (listener) => exitListeners.push(listener),
        kill: () => void child.kill(),
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
