import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { SlurmSettings } from '../../shared/sweep/sweepSpec'

export type RemoteCommand = 'continue' | 'stop' | 'pause' | 'resume'

/** A run handed to a remote executor: its job, what Slurm last said of it, and how far its stream got. */
export interface RemoteRun {
  readonly runId: string
  readonly executor: 'slurm'
  readonly settings: SlurmSettings
  readonly jobId: string | null
  readonly jobState: string | null
  readonly jobReason: string | null
  readonly submissions: number
  readonly autoResubmits: number
  /** Highest message sequence number stored. */
  readonly lastSeq: number
  readonly command: RemoteCommand
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** The `remote_runs` table. Only a hash of each per-run token is stored. */
export class RemoteRunStore {
  constructor(private readonly db: Database.Database) {}

  /** Registers a run for the Slurm executor and returns its new token (kept only in the task manifest). */
  register(runId: string, settings: SlurmSettings): string {
    const token = randomBytes(32).toString('hex')
    this.db
      .prepare(
        `INSERT INTO remote_runs (run_seq, executor, settings_json, token_hash)
         VALUES ((SELECT seq FROM runs WHERE id = ?), 'slurm', ?, ?)
         ON CONFLICT(run_seq) DO UPDATE SET token_hash = excluded.token_hash`,
      )
      .run(runId, JSON.stringify(settings), hashToken(token))
    return token
  }

  /** A fresh token for a resubmission: the old task, should it still run somewhere, is locked out. */
  renewToken(runId: string): string {
    const token = randomBytes(32).toString('hex')
    this.db
      .prepare(
        `UPDATE remote_runs SET token_hash = ?, last_seq = 0, command = 'continue' WHERE run_seq = (SELECT seq FROM runs WHERE id = ?)`,
      )
      .run(hashToken(token), runId)
    return token
  }

  tokenMatches(runId: string, token: string): boolean {
    const stored = this.db
      .prepare('SELECT token_hash FROM remote_runs WHERE run_seq = (SELECT seq FROM runs WHERE id = ?)')
      .pluck()
      .get(runId) as string | undefined
    if (!stored) return false
    return timingSafeEqual(Buffer.from(stored, 'hex'), Buffer.from(hashToken(token), 'hex'))
  }

  get(runId: string): RemoteRun | undefined {
    const row = this.db
      .prepare(
        `SELECT q.*, r.id AS run_id FROM remote_runs q JOIN runs r ON r.seq = q.run_seq WHERE r.id = ?`,
      )
      .get(runId) as RawRemote | undefined
    return row && toRemote(row)
  }

  /** Remote runs whose status says a job may still exist: the ones a host follows. */
  active(): RemoteRun[] {
    return (
      this.db
        .prepare(
          `SELECT q.*, r.id AS run_id FROM remote_runs q JOIN runs r ON r.seq = q.run_seq
           WHERE r.status IN ('queued', 'running', 'paused')`,
        )
        .all() as RawRemote[]
    ).map(toRemote)
  }

  submitted(runId: string, jobId: string, auto: boolean): void {
    this.db
      .prepare(
        `UPDATE remote_runs SET job_id = ?, job_state = 'PENDING', job_reason = NULL, submissions = submissions + 1,
           auto_resubmits = auto_resubmits + ? WHERE run_seq = (SELECT seq FROM runs WHERE id = ?)`,
      )
      .run(jobId, auto ? 1 : 0, runId)
  }

  setJobState(runId: string, state: string, reason: string | null): void {
    this.db
      .prepare(
        'UPDATE remote_runs SET job_state = ?, job_reason = ? WHERE run_seq = (SELECT seq FROM runs WHERE id = ?)',
      )
      .run(state, reason, runId)
  }

  setLastSeq(runId: string, seq: number): void {
    this.db
      .prepare('UPDATE remote_runs SET last_seq = ? WHERE run_seq = (SELECT seq FROM runs WHERE id = ?)')
      .run(seq, runId)
  }

  setCommand(runId: string, command: RemoteCommand): void {
    this.db
      .prepare('UPDATE remote_runs SET command = ? WHERE run_seq = (SELECT seq FROM runs WHERE id = ?)')
      .run(command, runId)
  }
}

interface RawRemote {
  run_id: string
  settings_json: string
  job_id: string | null
  job_state: string | null
  job_reason: string | null
  submissions: number
  auto_resubmits: number
  last_seq: number
  command: RemoteCommand
}

function toRemote(row: RawRemote): RemoteRun {
  return {
    runId: row.run_id,
    executor: 'slurm',
    settings: JSON.parse(row.settings_json) as SlurmSettings,
    jobId: row.job_id,
    jobState: row.job_state,
    jobReason: row.job_reason,
    submissions: row.submissions,
    autoResubmits: row.auto_resubmits,
    lastSeq: row.last_seq,
    command: row.command,
  }
}
