import { spawn as nodeSpawn, spawnSync as nodeSpawnSync } from 'node:child_process'
import { join } from 'node:path'
import { nodeVersionProblem } from '../../shared/runtimes'
import { electronExecutable as findElectron, fetchElectron as downloadElectron } from './electronBinary'
import { diagnoseElectronExit } from './electronExitDiagnosis'
import { nodeToolCommand } from './nodeTool'
import { sqliteAddonProblem as checkSqlite } from './sqliteAddon'

/** What `npm start` does, with every effect injectable so the start path is tested on any platform. */
export interface DesktopStartDeps {
  readonly root: string
  readonly argv: readonly string[]
  readonly env: NodeJS.ProcessEnv
  readonly nodeVersion: string
  readonly spawnSync: typeof nodeSpawnSync
  readonly spawn: typeof nodeSpawn
  readonly electronExecutable: (root: string) => string | null
  readonly fetchElectron: (root: string) => string | null
  readonly sqliteAddonProblem: (root: string) => string | null
  readonly log: (line: string) => void
  readonly stderr: NodeJS.WritableStream
  readonly now: () => number
}

/** An Electron that dies this soon after its start never showed a window. */
export const earlyExitMs = 8000
const stderrTailChars = 16_000

/**
 * `npm start`: build the bundles, then open the desktop window; where Electron cannot run here, say why
 * in one line (and how to fix it when we know) and start the browser mode instead. Resolves with the
 * exit code for the process.
 */
export function startDesktop(deps: DesktopStartDeps): Promise<number> {
  const { root, log } = deps
  const tooOld = nodeVersionProblem(deps.nodeVersion)
  if (tooOld) {
    log(tooOld)
    return Promise.resolve(1)
  }

  const build = nodeToolCommand(root, 'electron-vite', ['build'])
  const built = deps.spawnSync(build.command, build.args, { stdio: 'inherit', cwd: root })
  if (built.status !== 0) {
    log(`npm start: building the app failed (${built.error?.message ?? `exit ${built.status}`}).`)
    return Promise.resolve(built.status ?? 1)
  }

  const sqlite = deps.sqliteAddonProblem(root)
  if (sqlite) {
    log(sqlite)
    return Promise.resolve(1)
  }

  let electronPath = deps.electronExecutable(root)
  if (!electronPath) {
    log('Electron’s binary is missing: fetching it (one time)…')
    const failed = deps.fetchElectron(root)
    electronPath = failed ? null : deps.electronExecutable(root)
    if (!electronPath) return serve(deps, failed ?? 'Electron’s binary could not be found after download')
  }
  return launchElectron(deps, electronPath)
}

function launchElectron(deps: DesktopStartDeps, electronPath: string): Promise<number> {
  const started = deps.now()
  // stderr is read (for the diagnosis) and passed on; stdout and stdin stay the terminal's.
  const app = deps.spawn(electronPath, [deps.root], { stdio: ['inherit', 'inherit', 'pipe'], env: deps.env })
  let stderr = ''
  app.stderr?.on('data', (chunk: Buffer) => {
    deps.stderr.write(chunk)
    stderr = (stderr + chunk.toString('utf8')).slice(-stderrTailChars)
  })
  return new Promise((done) => {
    app.on('error', (error) => {
      void serve(deps, `Electron could not be started (${error.message})`).then(done)
    })
    app.on('exit', (code, signal) => {
      if (code === 0 || deps.now() - started >= earlyExitMs) {
        done(code ?? 0)
        return
      }
      const diagnosis = diagnoseElectronExit({ code, signal, stderr, electronPath })
      if (diagnosis.remedy) deps.log(diagnosis.remedy)
      void serve(deps, diagnosis.summary).then(done)
    })
  })
}

function serve(deps: DesktopStartDeps, reason: string): Promise<number> {
  deps.log(`${reason}: starting the browser mode instead.`)
  const child = deps.spawn(
    process.execPath,
    [join(deps.root, 'bin', 'chase-workbench'), 'serve', ...deps.argv],
    { stdio: 'inherit', env: deps.env },
  )
  return new Promise((done) => {
    child.on('error', (error) => {
      deps.log(`The browser mode could not start either: ${error.message}`)
      done(1)
    })
    child.on('exit', (code) => done(code ?? 0))
  })
}

/** The real effects, for `scripts/start.mjs`. */
export function processDeps(root: string): DesktopStartDeps {
  return {
    root,
    argv: process.argv.slice(2),
    env: process.env,
    nodeVersion: process.version,
    spawnSync: nodeSpawnSync,
    spawn: nodeSpawn,
    electronExecutable: (r) => findElectron(r),
    fetchElectron: (r) => downloadElectron(r),
    sqliteAddonProblem: checkSqlite,
    log: (line) => console.log(line),
    stderr: process.stderr,
    now: Date.now,
  }
}
