import { z } from 'zod'
import { ExperimentConfig } from '../config/experimentConfig'
import {
  BackendReport,
  LayerChannels,
  LayerDensity,
  RunResult,
  TrainerToHost,
} from '../protocol/trainerMessages'

/** The nouns of a run as the API returns them: what the store keeps, shaped for the UI and the CLI. */

/** Safe as a folder name (`<dataDir>/runs/<runId>/`), so no path can be smuggled in. */
export const RunId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'a run id holds only letters, digits, ".", "_" and "-"' })
  .brand<'RunId'>()
export type RunId = z.infer<typeof RunId>

/** `queued → running ⇄ paused → completed | failed | cancelled | interrupted`. */
export const RunStatus = z.enum([
  'queued',
  'running',
  'paused',
  'completed',
  'failed',
  'cancelled',
  'interrupted',
])
export type RunStatus = z.infer<typeof RunStatus>

/** Why a run ended badly, as the supervisor saw it (after VS Code's utility-process exit reasons). */
export const RunFailure = z.object({
  reason: z.enum([
    'trainer-error',
    'crashed',
    'killed',
    'oom',
    'host-exited',
    'invalid-messages',
    'launch-failed',
    'disk-full',
  ]),
  message: z.string(),
  exitCode: z.number().int().nullable().default(null),
  signal: z.string().nullable().default(null),
})
export type RunFailure = z.infer<typeof RunFailure>

export const RunProgress = z.object({
  step: z.number().int().min(0),
  totalSteps: z.number().int().min(0),
  epoch: z.number().int().min(0),
  epochs: z.number().int().min(1),
  imagesPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
})
export type RunProgress = z.infer<typeof RunProgress>

/** Milliseconds since the Unix epoch. */
const At = z.number()

/** The config settings the runs table shows, copied into every summary so a list needs no config per row. */
export const RunSetup = z.object({
  model: z.string(),
  widthMultiplier: z.number(),
  dataset: z.string(),
  /** d, or 1 for a dense run. */
  density: z.number(),
  /** Sc, or 0 when channel pruning is off. */
  channelSparsity: z.number(),
})
export type RunSetup = z.infer<typeof RunSetup>

/** The table columns of a config. */
export function runSetupOf(config: ExperimentConfig): RunSetup {
  return {
    model: config.model.arch,
    widthMultiplier: config.model.widthMultiplier,
    dataset: config.data.dataset,
    density: config.sparsity.enabled ? config.sparsity.density : 1,
    channelSparsity: config.channels.enabled ? config.channels.sparsity : 0,
  }
}

/** One row of the runs list. */
export const RunSummary = z.object({
  id: RunId,
  name: z.string(),
  experiment: z.string().nullable(),
  preset: z.string().nullable(),
  status: RunStatus,
  backend: z.string().nullable(),
  seed: z.number().int(),
  configHash: z.string(),
  createdAt: At,
  startedAt: At.nullable(),
  finishedAt: At.nullable(),
  tags: z.array(z.string()),
  notes: z.string(),
  archived: z.boolean(),
  progress: RunProgress.nullable(),
  result: RunResult.nullable(),
  failure: RunFailure.nullable(),
  /** Step of the newest checkpoint: where a resume starts. */
  lastCheckpointStep: z.number().int().nullable(),
  setup: RunSetup.nullable().default(null),
})
export type RunSummary = z.infer<typeof RunSummary>

export const CheckpointRecord = z.object({
  step: z.number().int().min(0),
  epoch: z.number().int().min(0),
  path: z.string(),
  bytes: z.number().int().min(0),
  createdAt: At,
})
export type CheckpointRecord = z.infer<typeof CheckpointRecord>

/** Everything about one run except its time series. */
export const RunDetail = RunSummary.extend({
  config: ExperimentConfig,
  backendReport: BackendReport.nullable(),
  /** Library versions the run used: node, tfjs, the backend, better-sqlite3, sqlite. */
  versions: z.record(z.string(), z.string()),
  runDir: z.string(),
  checkpoints: z.array(CheckpointRecord),
  /** Trainer process id while one is alive, and the last sign of life the host recorded. */
  pid: z.number().int().nullable(),
  heartbeatAt: At.nullable(),
})
export type RunDetail = z.infer<typeof RunDetail>

export const RunFilter = z.object({
  status: z.array(RunStatus).optional(),
  tag: z.string().optional(),
  experiment: z.string().optional(),
  preset: z.string().optional(),
  /** Case-insensitive match on the run name or id. */
  text: z.string().max(200).optional(),
  includeArchived: z.boolean().default(false),
  limit: z.number().int().min(1).max(10_000).default(500),
  offset: z.number().int().min(0).default(0),
})
export type RunFilter = z.infer<typeof RunFilter>

/** Column-wise so 100k points travel as two number arrays. */
export const MetricSeries = z.object({
  key: z.string(),
  steps: z.array(z.number()),
  values: z.array(z.number()),
  /** Points stored before downsampling. */
  totalPoints: z.number().int().min(0),
})
export type MetricSeries = z.infer<typeof MetricSeries>

export const LayerSnapshot = z.object({
  step: z.number().int().min(0),
  layers: z.array(LayerChannels),
  densities: z.array(LayerDensity),
})
export type LayerSnapshot = z.infer<typeof LayerSnapshot>

/** A status change as the host recorded it (also kept in the run's event log). */
export const StatusChange = z.object({
  type: z.literal('status'),
  status: RunStatus,
  previous: RunStatus.nullable(),
  failure: RunFailure.nullable().default(null),
})
export type StatusChange = z.infer<typeof StatusChange>

/** The trainer messages a run's event log keeps (metrics, snapshots and progress have tables of their own). */
export const loggedTrainerKinds = [
  'backend',
  'phase',
  'channelEvent',
  'maskUpdate',
  'checkpoint',
  'log',
  'done',
  'failed',
] as const satisfies readonly TrainerToHost['type'][]

/** An event log entry: a logged trainer message, or the host's own status change. */
export const RunEventKind = z.enum(['status', ...loggedTrainerKinds])
export type RunEventKind = z.infer<typeof RunEventKind>

/** What the run dashboard replays from the log: everything but checkpoints, which it does not show. */
export const dashboardEventKinds: readonly RunEventKind[] = RunEventKind.options.filter(
  (kind) => kind !== 'checkpoint',
)

/** One entry of a run's event log; `message` is the trainer message as received, or a status change. */
export const RunEvent = z.object({
  id: z.number().int(),
  step: z.number().int().min(0).nullable(),
  kind: RunEventKind,
  at: At,
  message: z.union([TrainerToHost, StatusChange]),
})
export type RunEvent = z.infer<typeof RunEvent>
