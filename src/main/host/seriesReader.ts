import type Database from 'better-sqlite3'
import { setImmediate as yieldToEvents } from 'node:timers/promises'
import {
  RunEvent,
  type LayerSnapshot,
  type MetricSeries,
  type RunEventKind,
} from '../../shared/api/runRecords'
import { packLayer, type PackedSnapshot, type SnapshotEncoding } from '../../shared/api/packedSnapshots'
import { downsampleLttb, evenlySpacedIndices } from './downsample'

export interface MetricQuery {
  readonly keys?: readonly string[]
  readonly fromStep?: number
  readonly toStep?: number
  readonly maxPoints?: number
}

export interface SnapshotQuery {
  readonly fromStep?: number
  readonly toStep?: number
  readonly maxSnapshots?: number
}

export interface EventQuery {
  readonly kinds?: readonly RunEventKind[]
  readonly afterId?: number
  readonly limit?: number
}

const floatView = (blob: Buffer) => {
  // A Buffer from SQLite may sit at any offset of its pool; a Float32Array needs 4-byte alignment.
  const bytes = blob.byteOffset % 4 === 0 ? blob : Buffer.from(blob)
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
}
const floats = (blob: Buffer) => Array.from(floatView(blob))

const stepRange = (from?: number, to?: number) => [from ?? 0, to ?? Number.MAX_SAFE_INTEGER] as const

/** Reads a run's time series: metrics, per-channel layer snapshots and the event log. */
export class SeriesReader {
  constructor(private readonly db: Database.Database) {}

  metricKeys(runId: string): { key: string; points: number; lastStep: number; lastValue: number }[] {
    return this.db
      .prepare(
        `SELECT k.key AS key, COUNT(*) AS points, MAX(m.step) AS lastStep,
           (SELECT m2.value FROM metrics m2 WHERE m2.run_seq = m.run_seq AND m2.key_id = m.key_id
            ORDER BY m2.step DESC LIMIT 1) AS lastValue
         FROM metrics m JOIN metric_keys k ON k.id = m.key_id
         WHERE m.run_seq = (SELECT seq FROM runs WHERE id = ?)
         GROUP BY m.key_id ORDER BY k.key`,
      )
      .all(runId) as { key: string; points: number; lastStep: number; lastValue: number }[]
  }

  metrics(runId: string, query: MetricQuery = {}): MetricSeries[] {
    const keys = query.keys ?? this.metricKeys(runId).map((k) => k.key)
    const [from, to] = stepRange(query.fromStep, query.toStep)
    const select = this.db
      .prepare(
        `SELECT m.step, m.value FROM metrics m
         WHERE m.run_seq = (SELECT seq FROM runs WHERE id = ?)
           AND m.key_id = (SELECT id FROM metric_keys WHERE key = ?)
           AND m.step BETWEEN ? AND ? ORDER BY m.step`,
      )
      .raw()
    return keys.map((key) => {
      const rows = select.all(runId, key, from, to) as [number, number][]
      const steps = rows.map((r) => r[0])
      const values = rows.map((r) => r[1])
      const kept = query.maxPoints ? downsampleLttb(steps, values, query.maxPoints) : { steps, values }
      return { key, steps: kept.steps, values: kept.values, totalPoints: rows.length }
    })
  }

  /**
   * The same snapshots packed for the wire (see packedSnapshots.ts): no number is walked twice. Read in
   * chunks of `chunkSnapshots`, yielding to the event loop between them, so a large answer never holds
   * the host (other clients, live messages) for long.
   */
  async packedLayerSnapshots(
    runId: string,
    query: SnapshotQuery,
    encoding: SnapshotEncoding,
    chunkSnapshots = 8,
  ): Promise<{ snapshots: PackedSnapshot[]; inRange: number }> {
    const seq = this.runSeq(runId)
    if (seq === undefined) return { snapshots: [], inRange: 0 }
    const layers = this.db.prepare(
      'SELECT grp, density, umm, alive FROM layer_snapshots WHERE run_seq = ? AND step = ? ORDER BY ord',
    )
    const tensors = this.db.prepare(
      `SELECT tensor, nnz, size, alive_size AS aliveSize FROM tensor_densities WHERE run_seq = ? AND step = ? ORDER BY ord`,
    )
    const stored = this.stepsInRange(seq, query)
    const steps = query.maxSnapshots
      ? evenlySpacedIndices(stored.length, query.maxSnapshots).map((i) => stored[i]!)
      : stored
    const packed: PackedSnapshot[] = []
    for (let i = 0; i < steps.length; i++) {
      if (i > 0 && i % chunkSnapshots === 0) await yieldToEvents()
      const step = steps[i]!
      packed.push({
        step,
        encoding,
        layers: (layers.all(seq, step) as { grp: string; density: Buffer; umm: Buffer; alive: Buffer }[]).map(
          (l) =>
            packLayer(
              { group: l.grp, density: floatView(l.density), umm: floatView(l.umm), alive: l.alive },
              encoding,
            ),
        ),
        densities: tensors.all(seq, step) as PackedSnapshot['densities'],
      })
    }
    return { snapshots: packed, inRange: stored.length }
  }

  private runSeq(runId: string): number | undefined {
    return this.db.prepare('SELECT seq FROM runs WHERE id = ?').pluck().get(runId) as number | undefined
  }

  private stepsInRange(seq: number, query: SnapshotQuery): number[] {
    const [from, to] = stepRange(query.fromStep, query.toStep)
    return this.db
      .prepare(
        'SELECT DISTINCT step FROM layer_snapshots WHERE run_seq = ? AND step BETWEEN ? AND ? ORDER BY step',
      )
      .pluck()
      .all(seq, from, to) as number[]
  }

  /** The next `limit` snapshot steps after `afterStep`, in order (for reading snapshots in pages). */
  snapshotStepsAfter(runId: string, afterStep: number, limit: number): number[] {
    return this.db
      .prepare(
        `SELECT DISTINCT step FROM layer_snapshots WHERE run_seq = (SELECT seq FROM runs WHERE id = ?)
         AND step > ? ORDER BY step LIMIT ?`,
      )
      .pluck()
      .all(runId, afterStep, limit) as number[]
  }

  layerSnapshots(runId: string, query: SnapshotQuery = {}): LayerSnapshot[] {
    const [from, to] = stepRange(query.fromStep, query.toStep)
    const seq = this.db.prepare('SELECT seq FROM runs WHERE id = ?').pluck().get(runId) as number | undefined
    if (seq === undefined) return []
    let steps = this.db
      .prepare(
        'SELECT DISTINCT step FROM layer_snapshots WHERE run_seq = ? AND step BETWEEN ? AND ? ORDER BY step',
      )
      .pluck()
      .all(seq, from, to) as number[]
    if (query.maxSnapshots)
      steps = evenlySpacedIndices(steps.length, query.maxSnapshots).map((i) => steps[i]!)
    const layers = this.db.prepare(
      'SELECT grp, density, umm, alive FROM layer_snapshots WHERE run_seq = ? AND step = ? ORDER BY ord',
    )
    const tensors = this.db.prepare(
      `SELECT tensor, nnz, size, alive_size AS aliveSize FROM tensor_densities WHERE run_seq = ? AND step = ? ORDER BY ord`,
    )
    return steps.map((step) => ({
      step,
      layers: (layers.all(seq, step) as { grp: string; density: Buffer; umm: Buffer; alive: Buffer }[]).map(
        (l) => ({
          group: l.grp,
          density: floats(l.density),
          umm: floats(l.umm),
          alive: Array.from(l.alive),
        }),
      ),
      densities: tensors.all(seq, step) as LayerSnapshot['densities'],
    }))
  }

  events(runId: string, query: EventQuery = {}): RunEvent[] {
    const kinds = query.kinds?.length ? query.kinds : undefined
    const rows = this.db
      .prepare(
        `SELECT id, step, kind, at, payload FROM events
         WHERE run_seq = (SELECT seq FROM runs WHERE id = ?) AND id > ?
         ${kinds ? `AND kind IN (${kinds.map(() => '?').join(',')})` : ''}
         ORDER BY id LIMIT ?`,
      )
      .all(runId, query.afterId ?? 0, ...(kinds ?? []), query.limit ?? 10_000) as {
      id: number
      step: number | null
      kind: string
      at: number
      payload: string
    }[]
    return rows.map((r) =>
      RunEvent.parse({ id: r.id, step: r.step, kind: r.kind, at: r.at, message: JSON.parse(r.payload) }),
    )
  }
}
