import { rmSync } from 'node:fs'
import { relative, isAbsolute } from 'node:path'
import type Database from 'better-sqlite3'
import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import {
  StatusChange,
  type CheckpointRecord,
  type RunDetail,
  type RunFailure,
  type RunFilter,
  type RunStatus,
  type RunSummary,
} from '../../shared/api/runRecords'
import { BenchStore } from './benchStore'
import { retryBusy } from './busyRetry'
import { RemoteRunStore } from './remoteRunStore'
import { SweepStore } from './sweepStore'
import { configHash } from './configHash'
import { runDirFor, type DataPaths } from './dataPaths'
import type { IngestBatch } from './ingestBatch'
import { IngestWriter } from './ingestWriter'
import { openDatabase, type OpenDatabaseOptions } from './openDatabase'
import { canTransition, isEnded } from './runLifecycle'
import { newRunId } from './runIds'
import { selectRunRows, toRunDetail, toRunSummary, type RunRow } from './runRows'
import { SeriesReader } from './seriesReader'
import { describeSqliteError, StoreError } from './storeErrors'
import { ConflictError, NotFoundError } from './hostErrors'

export interface NewRun {
  readonly config: ExperimentConfig
  readonly name?: string
  readonly experiment?: string
  readonly tags?: readonly string[]
  readonly notes?: string
  readonly versions?: Readonly<Record<string, string>>
  readonly hostPid?: number
}

export interface StatusUpdate {
  readonly failure?: RunFailure | null
  /** Trainer pid while one runs; cleared when the run ends. */
  readonly pid?: number | null
  readonly hostPid?: number | null
  /** Only change the status when it is one of these (compare-and-set against other hosts). */
  readonly onlyFrom?: readonly RunStatus[]
  readonly at?: number
}

/**
 * The run store: the one writer of the SQLite database. Run summaries here; time series are written by
 * `IngestWriter` (one transaction per flush) and read by `SeriesReader`; benchmarks by `BenchStore`.
 */
export class RunStore {
  readonly series: SeriesReader
  readonly benchmarks: BenchStore
  readonly sweeps: SweepStore
  readonly remoteRuns: RemoteRunStore
  private readonly writer: IngestWriter

  constructor(
    readonly db: Database.Database,
    readonly paths: DataPaths,
  ) {
    this.series = new SeriesReader(db)
    this.benchmarks = new BenchStore(db)
    this.sweeps = new SweepStore(db)
    this.remoteRuns = new RemoteRunStore(db)
    this.writer = new IngestWriter(db)
  }

  static open(paths: DataPaths, options: OpenDatabaseOptions = {}): RunStore {
    return new RunStore(openDatabase(paths.dbPath, options), paths)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  createRun(input: NewRun): RunSummary {
    const config = input.config
    const name = input.name?.trim() || config.name || config.preset || config.model.arch
    const at = Date.now()
    return this.write('create a run in', () => {
      const experimentId = input.experiment ? this.experimentId(input.experiment, at) : null
      let id = newRunId()
      while (this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id)) id = newRunId()
      this.db
        .prepare(
          `INSERT INTO runs (id, experiment_id, name, preset, config_json, config_hash, status, versions_json, seed,
             created_at, notes, tags_json, host_pid, run_dir)
           VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          experimentId,
          name,
          config.preset ?? null,
          JSON.stringify(config),
          configHash(config),
          JSON.stringify(input.versions ?? {}),
          config.system.seed,
          at,
          input.notes ?? '',
          JSON.stringify(uniqueTags(input.tags ?? [])),
          input.hostPid ?? null,
          runDirFor(this.paths.dataDir, id),
        )
      this.insertStatusEvent(id, { type: 'status', status: 'queued', previous: null, failure: null }, at)
      return this.requireSummary(id)
    })
  }

  getRow(runId: string): RunRow | undefined {
    return this.db.prepare(`${selectRunRows} WHERE r.id = ?`).get(runId) as RunRow | undefined
  }

  getSummary(runId: string): RunSummary | undefined {
    const row = this.getRow(runId)
    return row && toRunSummary(row)
  }

  requireSummary(runId: string): RunSummary {
    const summary = this.getSummary(runId)
    if (!summary)
      throw new NotFoundError(
        `No run "${runId}" in ${this.paths.dbPath}: list them with chase-workbench runs list`,
      )
    return summary
  }

  getDetail(runId: string): RunDetail | undefined {
    const row = this.getRow(runId)
    return row && toRunDetail(row, this.checkpoints(runId))
  }

  /** Accepts a full id or an unambiguous prefix of one (command lines). */
  resolveRunId(idOrPrefix: string): string {
    if (this.getRow(idOrPrefix)) return idOrPrefix
    const escaped = idOrPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)
    const matches = this.db
      .prepare(`SELECT id FROM runs WHERE id LIKE ? ESCAPE '\\' LIMIT 2`)
      .pluck()
      .all(`${escaped}%`) as string[]
    if (matches.length === 1) return matches[0]!
    if (matches.length > 1)
      throw new NotFoundError(`"${idOrPrefix}" matches several runs: give more of the id`)
    throw new NotFoundError(
      `No run "${idOrPrefix}" in ${this.paths.dbPath}: list them with chase-workbench runs list`,
    )
  }

  listRuns(filter: RunFilter): { runs: RunSummary[]; total: number } {
    const where: string[] = []
    const params: unknown[] = []
    if (!filter.includeArchived) where.push('r.archived = 0')
    if (filter.status?.length) {
      where.push(`r.status IN (${filter.status.map(() => '?').join(',')})`)
      params.push(...filter.status)
    }
    if (filter.tag) {
      where.push('EXISTS (SELECT 1 FROM json_each(r.tags_json) t WHERE t.value = ?)')
      params.push(filter.tag)
    }
    if (filter.experiment) {
      where.push('e.name = ?')
      params.push(filter.experiment)
    }
    if (filter.preset) {
      where.push('r.preset = ?')
      params.push(filter.preset)
    }
    if (filter.text) {
      where.push('(instr(lower(r.name), lower(?)) > 0 OR instr(r.id, ?) > 0)')
      params.push(filter.text, filter.text)
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : ''
    const rows = this.db
      .prepare(`${selectRunRows} ${clause} ORDER BY r.created_at DESC, r.seq DESC LIMIT ? OFFSET ?`)
      .all(...params, filter.limit, filter.offset) as RunRow[]
    const total = this.db
      .prepare(`SELECT COUNT(*) FROM runs r LEFT JOIN experiments e ON e.id = r.experiment_id ${clause}`)
      .pluck()
      .get(...params) as number
    return { runs: rows.map(toRunSummary), total }
  }

  /** Refreshes the sign of life of every active run this host process supervises. */
  touchHostRuns(hostPid: number, at = Date.now()): void {
    this.write('update', () =>
      this.db
        .prepare(
          `UPDATE runs SET heartbeat_at = ? WHERE host_pid = ? AND status IN ('queued', 'running', 'paused')`,
        )
        .run(at, hostPid),
    )
  }

  /** Rows a sweep must look at: runs some host said it was running, pausing or queueing. */
  activeRows(): RunRow[] {
    return this.db
      .prepare(`${selectRunRows} WHERE r.status IN ('queued', 'running', 'paused')`)
      .all() as RunRow[]
  }

  /**
   * Moves a run to `status`, stamping start/finish times and logging a status event, in one transaction.
   * Returns undefined when `onlyFrom` did not match (another host got there first).
   */
  setStatus(
    runId: string,
    status: RunStatus,
    update: StatusUpdate = {},
  ): { run: RunSummary; previous: RunStatus } | undefined {
    const at = update.at ?? Date.now()
    return this.write('update a run in', () => {
      const previous = this.requireSummary(runId).status
      if (update.onlyFrom && !update.onlyFrom.includes(previous)) return undefined
      if (previous !== status && !canTransition(previous, status)) {
        throw new ConflictError(`Run ${runId} is ${previous}; it cannot become ${status}`)
      }
      const ended = isEnded(status)
      const failure = update.failure !== undefined ? update.failure : status === 'queued' ? null : undefined
      this.db
        .prepare(
          `UPDATE runs SET status = ?,
             started_at = CASE WHEN ? = 'running' AND started_at IS NULL THEN ? ELSE started_at END,
             finished_at = CASE WHEN ? THEN ? WHEN ? = 'queued' THEN NULL ELSE finished_at END,
             failure_json = CASE WHEN ? THEN ? ELSE failure_json END,
             pid = CASE WHEN ? THEN NULL WHEN ? THEN ? ELSE pid END,
             host_pid = CASE WHEN ? THEN ? ELSE host_pid END,
             heartbeat_at = ?
           WHERE id = ?`,
        )
        .run(
          status,
          status,
          at,
          ended ? 1 : 0,
          at,
          status,
          failure !== undefined ? 1 : 0,
          failure ? JSON.stringify(failure) : null,
          ended ? 1 : 0,
          update.pid !== undefined ? 1 : 0,
          update.pid ?? null,
          update.hostPid !== undefined ? 1 : 0,
          update.hostPid ?? null,
          at,
          runId,
        )
      if (previous !== status) {
        this.insertStatusEvent(
          runId,
          StatusChange.parse({ type: 'status', status, previous, failure: failure ?? null }),
          at,
        )
      }
      return { run: this.requireSummary(runId), previous }
    })
  }

  setPid(runId: string, pid: number | null): void {
    this.write('update a run in', () =>
      this.db.prepare('UPDATE runs SET pid = ? WHERE id = ?').run(pid, runId),
    )
  }

  setResult(runId: string, result: unknown): void {
    this.write('record the result in', () =>
      this.db.prepare('UPDATE runs SET result_json = ? WHERE id = ?').run(JSON.stringify(result), runId),
    )
  }

  setTags(runId: string, add: readonly string[], remove: readonly string[]): RunSummary {
    return this.write('tag a run in', () => {
      const current = this.requireSummary(runId).tags
      const tags = uniqueTags([...current, ...add]).filter((t) => !remove.includes(t))
      this.db.prepare('UPDATE runs SET tags_json = ? WHERE id = ?').run(JSON.stringify(tags), runId)
      return this.requireSummary(runId)
    })
  }

  setNotes(runId: string, notes: string): RunSummary {
    return this.write('save notes in', () => {
      this.requireSummary(runId)
      this.db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(notes, runId)
      return this.requireSummary(runId)
    })
  }

  setArchived(runId: string, archived: boolean): RunSummary {
    return this.write('archive a run in', () => {
      this.requireSummary(runId)
      this.db.prepare('UPDATE runs SET archived = ? WHERE id = ?').run(archived ? 1 : 0, runId)
      return this.requireSummary(runId)
    })
  }

  /** Removes the run, every time series of it and its folder. Real: there is no undo. */
  deleteRun(runId: string): void {
    const row = this.getRow(runId)
    if (!row) throw new NotFoundError(`No run "${runId}" in ${this.paths.dbPath}`)
    this.write('delete a run from', () => this.db.prepare('DELETE FROM runs WHERE id = ?').run(runId))
    // Only ever remove a folder inside <dataDir>/runs: a tampered run_dir must not reach elsewhere.
    const inside = relative(runDirFor(this.paths.dataDir, ''), row.run_dir)
    if (inside && !inside.startsWith('..') && !isAbsolute(inside))
      rmSync(row.run_dir, { recursive: true, force: true })
  }

  experiments(): { name: string; runs: number }[] {
    return this.db
      .prepare(
        `SELECT e.name AS name, COUNT(r.seq) AS runs FROM experiments e
         LEFT JOIN runs r ON r.experiment_id = e.id GROUP BY e.id ORDER BY e.name`,
      )
      .all() as { name: string; runs: number }[]
  }

  checkpoints(runId: string): CheckpointRecord[] {
    return this.db
      .prepare(
        `SELECT c.step, c.epoch, c.path, c.bytes, c.created_at AS createdAt FROM checkpoints c
         JOIN runs r ON r.seq = c.run_seq WHERE r.id = ? ORDER BY c.step`,
      )
      .all(runId) as CheckpointRecord[]
  }

  /**
   * Forgets everything a run recorded after `step` (the checkpoint a resume restarts from), so the
   * replayed steps are not logged twice. Status events are history and stay.
   */
  truncateAfter(runId: string, step: number): void {
    this.write('prepare a resume in', () => {
      const seq = this.requireSeq(runId)
      this.db.prepare('DELETE FROM metrics WHERE run_seq = ? AND step > ?').run(seq, step)
      this.db.prepare('DELETE FROM layer_snapshots WHERE run_seq = ? AND step > ?').run(seq, step)
      this.db.prepare('DELETE FROM tensor_densities WHERE run_seq = ? AND step > ?').run(seq, step)
      this.db.prepare('DELETE FROM checkpoints WHERE run_seq = ? AND step > ?').run(seq, step)
      this.db.prepare(`DELETE FROM events WHERE run_seq = ? AND kind <> 'status' AND step > ?`).run(seq, step)
      this.db.prepare('UPDATE runs SET result_json = NULL WHERE seq = ?').run(seq)
    })
  }

  /** Writes one flush (metrics, snapshots, events, checkpoints, run state) in a single transaction. */
  writeBatch(batch: IngestBatch): void {
    this.write('write to', () => this.writer.write(batch))
  }

  /** `PRAGMA integrity_check`: "ok" when the file is sound. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('\n')
  }

  private requireSeq(runId: string): number {
    const seq = this.db.prepare('SELECT seq FROM runs WHERE id = ?').pluck().get(runId) as number | undefined
    if (seq === undefined) throw new NotFoundError(`No run "${runId}" in ${this.paths.dbPath}`)
    return seq
  }

  private experimentId(name: string, at: number): number {
    this.db.prepare('INSERT OR IGNORE INTO experiments (name, created_at) VALUES (?, ?)').run(name, at)
    return this.db.prepare('SELECT id FROM experiments WHERE name = ?').pluck().get(name) as number
  }

  private insertStatusEvent(runId: string, change: StatusChange, at: number): void {
    this.db
      .prepare(
        `INSERT INTO events (run_seq, step, kind, at, payload) VALUES ((SELECT seq FROM runs WHERE id = ?), NULL, 'status', ?, ?)`,
      )
      .run(runId, at, JSON.stringify(change))
  }

  /**
   * Runs `work` in a write transaction that takes the lock up front (another process may write the same
   * file), retries busy errors with backoff, and turns SQLite failures into errors that name the file and the fix.
   */
  private write<T>(doing: string, work: () => T): T {
    try {
      return retryBusy(() => this.db.transaction(work).immediate())
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ConflictError || error instanceof StoreError)
        throw error
      throw describeSqliteError(error, this.paths.dbPath, doing)
    }
  }
}

function uniqueTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter(Boolean))]
}
