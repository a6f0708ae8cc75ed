import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createHost, type Host } from '../host/host'
import { resolveDataPaths, type DataPaths } from '../host/dataPaths'
import { forkTrainerLauncher } from '../host/forkTrainerLauncher'
import { streamLogger, type HostLogger } from '../host/logger'
import { schemaVersion } from '../host/migrations'
import { openDatabaseReadOnly } from '../host/readOnlyDatabase'
import { RunStore } from '../host/runStore'
import { sweepDeadRuns } from '../host/staleRunSweep'
import { StoreError } from '../host/storeErrors'
import type { TrainerLauncher } from '../host/trainerLauncher'
import type { CommandIo } from './command'

/** The real trainer, next to this file in the source tree (the CLI runs TypeScript through tsx). */
export const trainerEntry = fileURLToPath(new URL('../../trainer/entry.ts', import.meta.url))

/** What a CLI command needs to run the host in-process; tests pass a fixture launcher. */
export interface CliHostDeps {
  readonly launcher?: TrainerLauncher
}

export function cliDataPaths(io: CommandIo, db: string | undefined): DataPaths {
  return resolveDataPaths({ ...(db !== undefined ? { db } : {}), env: io.env, cwd: io.cwd })
}

/**
 * Host lines on stderr. On a terminal each line first clears the progress bar's line (they share the
 * screen); `quiet` (for --json) keeps only warnings and errors.
 */
export function cliLogger(io: CommandIo, options: { quiet?: boolean } = {}): HostLogger {
  const base = streamLogger(io.stderr)
  const clear = (write: (message: string) => void) => (message: string) => {
    if (io.stdout.isTTY) io.stdout.write('\r\x1b[2K')
    write(message)
  }
  return {
    info: options.quiet ? () => {} : clear(base.info),
    warn: clear(base.warn),
    error: clear(base.error),
  }
}

/** Store + sweep + supervisor in this process, as `train` and `resume` use them. */
export function openCliHost(
  io: CommandIo,
  db: string | undefined,
  deps: CliHostDeps,
  logger = cliLogger(io),
): Host {
  return createHost({
    paths: cliDataPaths(io, db),
    launcher: deps.launcher ?? forkTrainerLauncher({ entry: trainerEntry }),
    shell: 'headless',
    logger,
    ...(io.env.CHASE_WORKBENCH_SQLITE_BINDING
      ? { nativeBinding: io.env.CHASE_WORKBENCH_SQLITE_BINDING }
      : {}),
  })
}

/** The store alone for read-mostly commands; it still runs the start-up sweep (any host start does). */
export function openCliStore(io: CommandIo, db: string | undefined): RunStore {
  const binding = io.env.CHASE_WORKBENCH_SQLITE_BINDING
  const store = RunStore.open(cliDataPaths(io, db), binding ? { nativeBinding: binding } : {})
  try {
    sweepDeadRuns(store, { logger: cliLogger(io) })
  } catch (error) {
    store.close()
    throw error
  }
  return store
}

/**
 * The store for commands that only read (`runs list`, `runs show`, `compare`): opened read-only, so they
 * work on a read-only filesystem and create nothing beside the database. A missing store is created as
 * before, and while some run is still marked active it reopens read-write for the dead-owner sweep (as any
 * host start does); where that cannot write, the read-only view stands, with a warning.
 */
export function openCliReader(io: CommandIo, db: string | undefined): RunStore {
  const paths = cliDataPaths(io, db)
  if (!existsSync(paths.dbPath)) return openCliStore(io, db)
  const binding = io.env.CHASE_WORKBENCH_SQLITE_BINDING
  const readOnly = () => openDatabaseReadOnly(paths.dbPath, binding ? { nativeBinding: binding } : {})
  const opened = readOnly()
  const reader = new RunStore(opened.db, paths)
  // A store from an older version must be migrated before this version's queries can read it.
  const outdated = (opened.db.pragma('user_version', { simple: true }) as number) < schemaVersion
  const active = !outdated && reader.activeRows().length > 0
  if (opened.note) cliLogger(io).info(opened.note)
  if (!active && !outdated) return reader
  reader.close()
  try {
    return openCliStore(io, db)
  } catch (error) {
    if (outdated)
      throw new StoreError(
        `${(error as Error).message}; the run store ${paths.dbPath} is from an older Chase Workbench and must be ` +
          'upgraded once where it can be written (run `chase-workbench runs list` there)',
        (error as StoreError).code,
        { cause: error },
      )
    cliLogger(io).warn(
      `${(error as Error).message}; showing it read-only, where a run whose process is gone may still look active`,
    )
    return new RunStore(readOnly().db, paths)
  }
}
