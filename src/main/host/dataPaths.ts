import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

export const appFolderName = 'chase-workbench'
export const databaseFileName = 'workbench.db'

export interface DataPathInput {
  /** `--db` on the command line: wins over everything. */
  readonly db?: string
  readonly env: NodeJS.ProcessEnv
  readonly platform?: NodeJS.Platform
  readonly home?: string
  readonly cwd?: string
}

export interface DataPaths {
  readonly dbPath: string
  /** Folder beside the database holding `runs/<runId>/` (checkpoints, slimmed models). */
  readonly dataDir: string
}

/** The user's data directory: XDG on Linux, Application Support on macOS, %APPDATA% on Windows. */
export function defaultDataDir(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', appFolderName)
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), appFolderName)
  const xdg = env.XDG_DATA_HOME
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'share'), appFolderName)
}

/** `--db`, else `$CHASE_WORKBENCH_DB`, else `<user data dir>/workbench.db`; run folders live beside it. */
export function resolveDataPaths(input: DataPathInput): DataPaths {
  const cwd = input.cwd ?? process.cwd()
  const chosen = input.db ?? input.env.CHASE_WORKBENCH_DB
  const dbPath = chosen
    ? resolve(cwd, chosen)
    : join(defaultDataDir(input.env, input.platform, input.home), databaseFileName)
  return { dbPath, dataDir: dirname(dbPath) }
}

export function runDirFor(dataDir: string, runId: string): string {
  return join(dataDir, 'runs', runId)
}
