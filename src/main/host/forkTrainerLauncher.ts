import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { failedLaunch } from './failedLaunch'
import type { TrainerExit, TrainerLauncher, TrainerLaunchOptions, TrainerProcess } from './trainerLauncher'

export interface ForkLauncherOptions {
  /** Trainer entry script; TypeScript runs through tsx. */
  readonly entry: string
  readonly execArgv?: readonly string[]
  /** The Node.js that runs the trainer (default: the host's own); the desktop shell passes the system's. */
  readonly execPath?: string
  /** Also copy the trainer's stderr here (the CLI passes its own stderr when debugging). */
  readonly stderr?: NodeJS.WritableStream
  /** Environment added for every trainer this launcher starts. */
  readonly env?: Readonly<Record<string, string>>
}

const stderrTailBytes = 8192

/** tsx's loader by absolute URL, so a trainer written in TypeScript starts whatever the working folder. */
export function tsxImport(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
}

/** The project's real trainer entry, resolved from the repository root. */
export function defaultTrainerEntry(root = process.cwd()): string {
  return resolve(root, 'src/trainer/entry.ts')
}

/** Headless trainers: `child_process.fork` with Node's advanced (structured-clone) IPC serialization. */
export function forkTrainerLauncher(options: ForkLauncherOptions): TrainerLauncher {
  const execArgv = options.execArgv ?? (options.entry.endsWith('.ts') ? ['--import', tsxImport()] : [])
  return {
    launch(launch: TrainerLaunchOptions): TrainerProcess {
      const exitListeners: ((exit: TrainerExit) => void)[] = []
      let exited: TrainerExit | undefined
      let stderrTail = ''
      const finish = (exit: TrainerExit) => {
        if (exited) return
        exited = { ...exit, stderrTail }
        for (const listener of exitListeners) listener(exited)
      }
      if (!existsSync(options.entry)) return failedLaunch(`${options.entry} does not exist`)
      const child = fork(options.entry, [], {
        execArgv: [...execArgv],
        ...(options.execPath ? { execPath: options.execPath } : {}),
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        // Its own process group: Ctrl-C in the terminal reaches the host only, which then stops the
        // trainer at a step boundary with a checkpoint instead of losing the step in flight.
        detached: process.platform !== 'win32',
        env: { ...process.env, ...options.env, ...launch.env, CHASE_WORKBENCH_SERVICE: launch.serviceName },
      })
      child.stderr?.on('data', (chunk: Buffer) => {
        options.stderr?.write(chunk)
        stderrTail = (stderrTail + chunk.toString('utf8')).slice(-stderrTailBytes)
      })
      // 'close' (not 'exit') so the stderr tail is complete when we classify the exit.
      child.on('close', (code, signal) => finish({ code, signal }))
      child.on('error', (error) => {
        if (child.pid === undefined)
          finish({ code: null, signal: null, reason: 'launch-failed', error: error.message })
      })
      return {
        get pid() {
          return child.pid
        },
        send(message) {
          if (!child.connected) return false
          try {
            child.send(message)
            return true
          } catch {
            return false
          }
        },
        onMessage(listener) {
          child.on('message', listener)
        },
        onExit(listener) {
          if (exited) listener(exited)
          else exitListeners.push(listener)
        },
        kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
        },
      }
    },
  }
}
