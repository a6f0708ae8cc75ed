/** A store failure told in words: what happened to which file, and what to do about it. */
export class StoreError extends Error {
  override readonly name = 'StoreError'
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

const advice: Readonly<Record<string, string>> = {
  SQLITE_FULL:
    'the disk (or the database size limit) is full: free some space, then resume the affected runs',
  SQLITE_READONLY:
    'the database is read-only: check the file and folder permissions, or point --db at a writable file',
  SQLITE_READONLY_DBMOVED: 'the database file was moved or deleted while open: restart Chase Workbench',
  SQLITE_CANTOPEN: 'the file cannot be opened: check that the folder exists and is writable',
  SQLITE_CORRUPT: 'the database file is damaged: keep a copy and run `sqlite3 <file> ".recover"`',
  SQLITE_NOTADB: 'the file is not a SQLite database: point --db at a run store',
  SQLITE_BUSY: 'another process holds a write lock for too long: try again',
  SQLITE_IOERR: 'the disk reported an I/O error: check the disk and free space',
}

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** Turns a better-sqlite3 error into a `StoreError` naming the file and the fix. */
export function describeSqliteError(error: unknown, path: string, doing: string): StoreError {
  if (error instanceof StoreError) return error
  const code = sqliteCode(error)
  // An exact code (SQLITE_READONLY_DBMOVED) wins over its family (SQLITE_READONLY).
  const base = code && (advice[code] ? code : Object.keys(advice).find((k) => code.startsWith(`${k}_`)))
  const why = base ? advice[base]! : ((error as Error)?.message ?? String(error))
  return new StoreError(`Cannot ${doing} the run store ${path}: ${why} (${code ?? 'error'})`, code, {
    cause: error,
  })
}

/** SQLite's "database or disk is full", or the OS's ENOSPC/EDQUOT, however wrapped. */
export function isDiskFull(error: unknown): boolean {
  const code = sqliteCode(error)
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_IOERR_WRITE'
}
