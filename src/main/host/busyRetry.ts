/**
 * Another process writing the same database (a second `serve`, a CLI `train`) makes SQLite answer
 * SQLITE_BUSY, or SQLITE_BUSY_SNAPSHOT to a transaction that read before it wrote; `busy_timeout` does
 * not retry the latter. Writers take the lock up front (BEGIN IMMEDIATE) and retry what is left here.
 */

/** Waits between tries, in ms; with `busy_timeout` doing the long waits, these cover the cases it skips. */
export const busyBackoffMs: readonly number[] = [10, 25, 50, 100, 200, 400, 800]

export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

const sleeper = new Int32Array(new SharedArrayBuffer(4))

/** Better-sqlite3 is synchronous, so the pause between tries is too (short, bounded). */
function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms)
}

/** Runs `attempt` again after each busy error, with backoff; any other error, or the last busy one, is thrown. */
export function retryBusy<T>(attempt: () => T, backoffMs: readonly number[] = busyBackoffMs): T {
  for (let i = 0; ; i++) {
    try {
      return attempt()
    } catch (error) {
      if (!isBusyError(error) || i >= backoffMs.length) throw error
      sleepMs(backoffMs[i]! * (0.5 + Math.random()))
    }
  }
}
