import { ExperimentConfig } from '../../shared/config/experimentConfig'
import { RunDetail, RunSummary, runSetupOf, type CheckpointRecord } from '../../shared/api/runRecords'

/** A `runs` row joined with its experiment name and newest checkpoint step. */
export interface RunRow {
  seq: number
  id: string
  experiment: string | null
  name: string
  preset: string | null
  config_json: string
  config_hash: string
  status: string
  backend: string | null
  backend_json: string | null
  versions_json: string
  seed: number
  created_at: number
  started_at: number | null
  finished_at: number | null
  notes: string
  tags_json: string
  archived: number
  pid: number | null
  host_pid: number | null
  heartbeat_at: number | null
  progress_json: string | null
  result_json: string | null
  failure_json: string | null
  run_dir: string
  last_checkpoint_step: number | null
}

export const selectRunRows = `
  SELECT r.*, e.name AS experiment,
    (SELECT MAX(c.step) FROM checkpoints c WHERE c.run_seq = r.seq) AS last_checkpoint_step
  FROM runs r LEFT JOIN experiments e ON e.id = r.experiment_id`

const json = (text: string | null): unknown => (text === null ? null : JSON.parse(text))

/** Parsed through the contract's schema, so a row that drifted from it fails here, not in a client. */
export function toRunSummary(row: RunRow): RunSummary {
  return RunSummary.parse({
    id: row.id,
    name: row.name,
    experiment: row.experiment,
    preset: row.preset,
    status: row.status,
    backend: row.backend,
    seed: row.seed,
    configHash: row.config_hash,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    tags: json(row.tags_json),
    notes: row.notes,
    archived: row.archived !== 0,
    progress: json(row.progress_json),
    result: json(row.result_json),
    failure: json(row.failure_json),
    lastCheckpointStep: row.last_checkpoint_step,
    setup: setupOf(row.config_json),
  })
}

// The table columns of the stored config; a config the schema no longer reads shows no setup rather than failing the list.
function setupOf(configJson: string): RunSummary['setup'] {
  const config = ExperimentConfig.safeParse(json(configJson))
  return config.success ? runSetupOf(config.data) : null
}

export function toRunDetail(row: RunRow, checkpoints: readonly CheckpointRecord[]): RunDetail {
  return RunDetail.parse({
    ...toRunSummary(row),
    config: json(row.config_json),
    backendReport: json(row.backend_json),
    versions: json(row.versions_json),
    runDir: row.run_dir,
    checkpoints,
    pid: row.pid,
    heartbeatAt: row.heartbeat_at,
  })
}
