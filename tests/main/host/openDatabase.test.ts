import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { retryBusy } from '../../../src/main/host/busyRetry'
import { openDatabase } from '../../../src/main/host/openDatabase'
import { tempDataDir } from './hostHarness'

describe('opening the run store', () => {
  it('refuses a database from a newer version before writing anything to it (not even WAL mode)', () => {
    const t = tempDataDir()
    try {
      const future = new Database(t.dbPath)
      future.pragma('user_version = 999')
      future.close()
      expect(() => openDatabase(t.dbPath)).toThrow(/schema version 999, newer than this Chase Workbench/)
      const check = new Database(t.dbPath, { readonly: true })
      expect(check.pragma('journal_mode', { simple: true })).toBe('delete')
      check.close()
    } finally {
      t.cleanup()
    }
  })
})

describe('busy retries', () => {
  it('retries busy errors with backoff and gives up on the rest at once', () => {
    let tries = 0
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY_SNAPSHOT' })
    expect(
      retryBusy(() => {
        if (++tries < 3) throw busy
        return 'written'
      }, [1, 1, 1]),
    ).toBe('written')
    expect(tries).toBe(3)

    tries = 0
    expect(() =>
      retryBusy(
        () => (
          tries++,
          (() => {
            throw busy
          })()
        ),
        [1, 1],
      ),
    ).toThrow('database is locked')
    expect(tries).toBe(3)

    tries = 0
    const full = Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' })
    expect(() =>
      retryBusy(
        () => (
          tries++,
          (() => {
            throw full
          })()
        ),
        [1, 1],
      ),
    ).toThrow('disk full')
    expect(tries).toBe(1)
  })
})
