import type { RunEventKind, RunProgress } from '../../shared/api/runRecords'
import type {
  BackendReport,
  MetricPoint,
  TrainerEvent,
  TrainerToHost,
} from '../../shared/protocol/trainerMessages'
import type { StatusChange } from '../../shared/api/runRecords'
import type { z } from 'zod'

/** The latest scalar state of a run; only the newest value matters, so it is kept, not queued. */
export interface RunStatePatch {
  progress?: RunProgress
  heartbeatAt?: number
  backend?: BackendReport
}

export interface EventRecord {
  readonly runId: string
  readonly step: number | null
  readonly kind: RunEventKind
  readonly at: number
  readonly message: TrainerToHost | z.input<typeof StatusChange>
}

/** Everything that arrived since the last flush; written in one transaction. */
export interface IngestBatch {
  readonly metrics: { readonly runId: string; readonly points: readonly MetricPoint[] }[]
  readonly snapshots: {
    readonly runId: string
    readonly snapshot: Omit<TrainerEvent<'layerSnapshot'>, 'type'>
  }[]
  readonly events: EventRecord[]
  readonly checkpoints: {
    readonly runId: string
    readonly checkpoint: TrainerEvent<'checkpoint'>
    readonly at: number
  }[]
  readonly patches: Map<string, RunStatePatch>
}

export function emptyBatch(): IngestBatch {
  return { metrics: [], snapshots: [], events: [], checkpoints: [], patches: new Map() }
}

export function batchPointCount(batch: IngestBatch): number {
  let points = 0
  for (const m of batch.metrics) points += m.points.length
  return points
}

export function isBatchEmpty(batch: IngestBatch): boolean {
  return (
    batch.metrics.length === 0 &&
    batch.snapshots.length === 0 &&
    batch.events.length === 0 &&
    batch.checkpoints.length === 0 &&
    batch.patches.size === 0
  )
}

/** Appends `later` to `earlier` (used when a flush failed and its data waits for the next one). */
export function mergeBatches(earlier: IngestBatch, later: IngestBatch): IngestBatch {
  const patches = new Map(earlier.patches)
  for (const [runId, patch] of later.patches) patches.set(runId, { ...patches.get(runId), ...patch })
  return {
    metrics: [...earlier.metrics, ...later.metrics],
    snapshots: [...earlier.snapshots, ...later.snapshots],
    events: [...earlier.events, ...later.events],
    checkpoints: [...earlier.checkpoints, ...later.checkpoints],
    patches,
  }
}
