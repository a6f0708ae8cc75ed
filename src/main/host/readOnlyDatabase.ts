import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { openDatabase } from './openDatabase'
import { StoreError } from './storeErrors'

export interface ReadOnlyOpen {
  readonly db: Database.Database
  /** Set when the store was read from a private copy: why, for a line on stderr. */
  readonly note?: string
}

/**
 * Opens the run store without writing anything beside it: no WAL switch, no migration, no reserve file.
 * A WAL database needs its `-shm` file, which SQLite cannot create on a read-only filesystem; then the
 * store is read from a private copy in the temp folder, switched to rollback mode in the copy's header
 * (bytes 18–19) so it needs no side files, and unlinked at once (the open handle keeps it readable).
 */
export function openDatabaseReadOnly(path: string, options: { nativeBinding?: string } = {}): ReadOnlyOpen {
  if (!existsSync(path))
    throw new StoreError(
      `Cannot open the run store ${path}: there is no such file (point --db at a run store, or start a run to create one)`,
      'ENOENT',
    )
  try {
    return { db: openDatabase(path, { ...options, readonly: true }) }
  } catch (error) {
    if ((error as StoreError).code !== 'SQLITE_CANTOPEN') throw error
  }
  const dir = mkdtempSync(join(tmpdir(), 'chase-readonly-'))
  try {
    const copy = join(dir, 'workbench.db')
    copyFileSync(path, copy)
    const header = openSync(copy, 'r+')
    try {
      // Bytes 18 and 19 are the file format versions: 2 means WAL, 1 rollback journal.
      writeSync(header, Buffer.from([1, 1]), 0, 2, 18)
    } finally {
      closeSync(header)
    }
    const db = openDatabase(copy, { ...options, readonly: true })
    const wal = `${path}-wal`
    const unreplayed = existsSync(wal) && statSync(wal).size > 0
    return {
      db,
      note: `read ${path} from a copy (its folder is read-only, so SQLite cannot add its shared-memory file)${
        unreplayed ? `; ${wal} holds writes not yet in the database, and they are not shown` : ''
      }`,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
