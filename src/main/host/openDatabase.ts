import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { assertKnownSchema, migrate } from './migrations'
import { describeSqliteError } from './storeErrors'

export interface OpenDatabaseOptions {
  /** Path of a better-sqlite3 addon built for this runtime (Electron's build lives apart from Node's). */
  readonly nativeBinding?: string
  readonly readonly?: boolean
}

/** Opens (creating if needed) the run store in WAL mode and migrates it forward. */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database.Database {
  if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true })
  let db: Database.Database
  try {
    db = new Database(path, {
      readonly: options.readonly ?? false,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    })
  } catch (error) {
    throw describeSqliteError(error, path, 'open')
  }
  try {
    db.pragma('busy_timeout = 5000')
    // A database from a newer version is refused before WAL mode or anything else touches it.
    assertKnownSchema(db)
    if (!options.readonly) {
      db.pragma('journal_mode = WAL')
      // WAL + NORMAL: a power cut may lose the last flush, never corrupts; the docs' recommended pair.
      db.pragma('synchronous = NORMAL')
    }
    db.pragma('foreign_keys = ON')
    if (!options.readonly) migrate(db)
    return db
  } catch (error) {
    db.close()
    throw describeSqliteError(error, path, 'open')
  }
}
