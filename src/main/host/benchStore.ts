import type Database from 'better-sqlite3'
import { retryBusy } from './busyRetry'
import { BenchRecord, type BenchSummary } from '../../shared/api/benchRecords'
import type { BenchRequest, BenchResult } from '../../shared/protocol/trainerMessages'

interface BenchRow {
  id: string
  run_id: string | null
  status: string
  request_json: string
  result_json: string | null
  summary_json: string | null
  error: string | null
  created_at: number
  finished_at: number | null
}

const selectBench = `SELECT b.*, r.id AS run_id FROM benchmarks b LEFT JOIN runs r ON r.seq = b.run_seq`

function toRecord(row: BenchRow): BenchRecord {
  return BenchRecord.parse({
    id: row.id,
    runId: row.run_id,
    status: row.status,
    request: JSON.parse(row.request_json),
    result: row.result_json ? JSON.parse(row.result_json) : null,
    summary: row.summary_json ? JSON.parse(row.summary_json) : null,
    error: row.error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  })
}

/** The `benchmarks` table: one row per timing session of dense vs slimmed networks. */
export class BenchStore {
  constructor(private readonly db: Database.Database) {}

  create(id: string, request: BenchRequest, runId: string | null, hostPid: number): BenchRecord {
    retryBusy(() =>
      this.db
        .prepare(
          `INSERT INTO benchmarks (id, run_seq, status, request_json, host_pid, created_at)
           VALUES (?, (SELECT seq FROM runs WHERE id = ?), 'running', ?, ?, ?)`,
        )
        .run(id, runId, JSON.stringify(request), hostPid, Date.now()),
    )
    return this.require(id)
  }

  complete(id: string, result: BenchResult, summary: BenchSummary): BenchRecord {
    retryBusy(() =>
      this.db
        .prepare(
          `UPDATE benchmarks SET status = 'completed', backend = ?, result_json = ?, summary_json = ?, finished_at = ?
           WHERE id = ?`,
        )
        .run(result.backend.name, JSON.stringify(result), JSON.stringify(summary), Date.now(), id),
    )
    return this.require(id)
  }

  fail(id: string, error: string): BenchRecord {
    retryBusy(() =>
      this.db
        .prepare(`UPDATE benchmarks SET status = 'failed', error = ?, finished_at = ? WHERE id = ?`)
        .run(error, Date.now(), id),
    )
    return this.require(id)
  }

  get(id: string): BenchRecord | undefined {
    const row = this.db.prepare(`${selectBench} WHERE b.id = ?`).get(id) as BenchRow | undefined
    return row && toRecord(row)
  }

  require(id: string): BenchRecord {
    const record = this.get(id)
    if (!record) throw new Error(`No benchmark "${id}"`)
    return record
  }

  list(runId: string | undefined, limit: number): BenchRecord[] {
    const rows = (
      runId
        ? this.db
            .prepare(`${selectBench} WHERE r.id = ? ORDER BY b.created_at DESC LIMIT ?`)
            .all(runId, limit)
        : this.db.prepare(`${selectBench} ORDER BY b.created_at DESC LIMIT ?`).all(limit)
    ) as BenchRow[]
    return rows.map(toRecord)
  }

  /** Benchmarks left `running` by a host that is gone can never finish: they fail with `message`. */
  failOrphans(isHostAlive: (pid: number) => boolean, message: string): number {
    const orphans = (
      this.db.prepare(`SELECT id, host_pid FROM benchmarks WHERE status = 'running'`).all() as {
        id: string
        host_pid: number | null
      }[]
    ).filter((b) => b.host_pid === null || !isHostAlive(b.host_pid))
    for (const b of orphans) this.fail(b.id, message)
    return orphans.length
  }
}
