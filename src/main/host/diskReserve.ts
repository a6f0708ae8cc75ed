import { closeSync, existsSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs'

/** Room enough for the final status rows of every active run (a few WAL frames each). */
export const reserveBytes = 2 * 1024 * 1024

/**
 * A file of real bytes beside the database, given back to the disk when the store reports it is full,
 * so the host can still record why its runs ended ("disk full") instead of leaving them `running`.
 * Made again once the store accepts writes. Every failure here is harmless: it only means no reserve.
 */
export class DiskReserve {
  constructor(
    readonly path: string,
    private readonly bytes = reserveBytes,
  ) {}

  /** Creates the reserve when it is missing or short; false when the disk has no room for it. */
  ensure(): boolean {
    try {
      if (existsSync(this.path) && statSync(this.path).size >= this.bytes) return true
      // Written, not truncated to size: a sparse file would hold no blocks to give back.
      const fd = openSync(this.path, 'w')
      try {
        const chunk = Buffer.alloc(64 * 1024)
        for (let written = 0; written < this.bytes; written += chunk.length) writeSync(fd, chunk)
      } finally {
        closeSync(fd)
      }
      return true
    } catch {
      this.release()
      return false
    }
  }

  /** Frees the reserve's space; true when there was one to free. */
  release(): boolean {
    try {
      unlinkSync(this.path)
      return true
    } catch {
      return false
    }
  }
}
