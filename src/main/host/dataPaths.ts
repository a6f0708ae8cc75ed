import { dirname, join, resolve } from 'node:path'
import { userDataFolder } from '../../node/userDataFolder'

export { appFolderName } from '../../node/userDataFolder'
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

/** The user's data directory (see `userDataFolder`: XDG, Application Support, %APPDATA%). */
export const defaultDataDir = userDataFolder

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
