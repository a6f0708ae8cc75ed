import type Database from 'better-sqlite3'
import { retryBusy } from './busyRetry'

/**
 * Forward-only schema steps; `PRAGMA user_version` holds how many have run. Never edit a shipped step:
 * append a new one. Time series (metrics, snapshots, events) live apart from the run summaries.
 */
const steps: readonly string[] = [
  /* 1 */ `
  CREATE TABLE experiments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE runs (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    experiment_id INTEGER REFERENCES experiments(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    preset TEXT,
    config_json TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    backend TEXT,
    backend_json TEXT,
    versions_json TEXT NOT NULL DEFAULT '{}',
    seed INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    notes TEXT NOT NULL DEFAULT '',
    tags_json TEXT NOT NULL DEFAULT '[]',
    archived INTEGER NOT NULL DEFAULT 0,
    pid INTEGER,
    host_pid INTEGER,
    heartbeat_at INTEGER,
    progress_json TEXT,
    result_json TEXT,
    failure_json TEXT,
    run_dir TEXT NOT NULL
  );
  CREATE INDEX runs_by_status ON runs(status);
  CREATE INDEX runs_by_created ON runs(created_at);

  CREATE TABLE metric_keys (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
  CREATE TABLE metrics (
    run_seq INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    key_id INTEGER NOT NULL REFERENCES metric_keys(id),
    step INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (run_seq, key_id, step)
  ) WITHOUT ROWID;

  CREATE TABLE layer_snapshots (
    run_seq INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    grp TEXT NOT NULL,
    density BLOB NOT NULL,
    umm BLOB NOT NULL,
    alive BLOB NOT NULL,
    PRIMARY KEY (run_seq, step, ord)
  ) WITHOUT ROWID;
  CREATE TABLE tensor_densities (
    run_seq INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    tensor TEXT NOT NULL,
    nnz INTEGER NOT NULL,
    size INTEGER NOT NULL,
    alive_size INTEGER NOT NULL,
    PRIMARY KEY (run_seq, step, ord)
  ) WITHOUT ROWID;

  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    run_seq INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    step INTEGER,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL,
    payload TEXT NOT NULL
  );
  CREATE INDEX events_by_run ON events(run_seq, id);

  CREATE TABLE checkpoints (
    run_seq INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    epoch INTEGER NOT NULL,
    path TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (run_seq, step)
  );

  CREATE TABLE benchmarks (
    id TEXT PRIMARY KEY,
    run_seq INTEGER REFERENCES runs(seq) ON DELETE SET NULL,
    status TEXT NOT NULL,
    backend TEXT,
    request_json TEXT NOT NULL,
    result_json TEXT,
    summary_json TEXT,
    error TEXT,
    host_pid INTEGER,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
  );
  CREATE INDEX benchmarks_by_run ON benchmarks(run_seq);
  `,
  /* 2: sweeps (a grid of runs) and runs handed to a remote executor (Slurm) */ `
  CREATE TABLE sweeps (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    spec_json TEXT NOT NULL,
    executor TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sweep_cells (
    sweep_seq INTEGER NOT NULL REFERENCES sweeps(seq) ON DELETE CASCADE,
    cell INTEGER NOT NULL,
    values_json TEXT NOT NULL,
    run_seq INTEGER REFERENCES runs(seq) ON DELETE SET NULL,
    PRIMARY KEY (sweep_seq, cell)
  );
  CREATE INDEX sweep_cells_by_run ON sweep_cells(run_seq);
  CREATE TABLE remote_runs (
    run_seq INTEGER PRIMARY KEY REFERENCES runs(seq) ON DELETE CASCADE,
    executor TEXT NOT NULL,
    settings_json TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    job_id TEXT,
    job_state TEXT,
    job_reason TEXT,
    submissions INTEGER NOT NULL DEFAULT 0,
    auto_resubmits INTEGER NOT NULL DEFAULT 0,
    last_seq INTEGER NOT NULL DEFAULT 0,
    command TEXT NOT NULL DEFAULT 'continue'
  );
  `,
]

export const schemaVersion = steps.length

/** Brings the database up to `schemaVersion`, each step in its own transaction. */
export function migrate(db: Database.Database): void {
  assertKnownSchema(db)
  for (let version = currentVersion(db); version < schemaVersion; version++) {
    // Another process may migrate the same file at once: take the lock, then re-read where it stands.
    retryBusy(() =>
      db
        .transaction(() => {
          if (currentVersion(db) !== version) return
          db.exec(steps[version]!)
          db.pragma(`user_version = ${version + 1}`)
        })
        .immediate(),
    )
  }
}

const currentVersion = (db: Database.Database) => db.pragma('user_version', { simple: true }) as number

/** Refuses a database from a newer Chase Workbench; called before anything is written to it. */
export function assertKnownSchema(db: Database.Database): void {
  const current = currentVersion(db)
  if (current > schemaVersion) {
    throw new Error(
      `The run store ${db.name} has schema version ${current}, newer than this Chase Workbench understands ` +
        `(${schemaVersion}): update Chase Workbench, or point --db at another file`,
    )
  }
}
