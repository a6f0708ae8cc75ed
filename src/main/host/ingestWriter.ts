import type Database from 'better-sqlite3'
import type { IngestBatch } from './ingestBatch'

const float32Blob = (values: readonly number[]) => Buffer.from(Float32Array.from(values).buffer)
const uint8Blob = (values: readonly number[]) => Buffer.from(Uint8Array.from(values))

/**
 * Writes a flush. The caller wraps it in one transaction; statements are prepared once and run ids and
 * metric keys are resolved through small caches, because this is the hot path (≥ 100k points/s).
 */
export class IngestWriter {
  private readonly keyIds = new Map<string, number>()
  private readonly statements

  constructor(private readonly db: Database.Database) {
    this.statements = {
      runSeq: db.prepare('SELECT seq FROM runs WHERE id = ?').pluck(),
      keyInsert: db.prepare('INSERT OR IGNORE INTO metric_keys (key) VALUES (?)'),
      keyId: db.prepare('SELECT id FROM metric_keys WHERE key = ?').pluck(),
      // A resumed run replays steps after its checkpoint: the newer value of a step wins.
      metric: db.prepare('INSERT OR REPLACE INTO metrics (run_seq, key_id, step, value) VALUES (?, ?, ?, ?)'),
      snapshot: db.prepare(
        'INSERT OR REPLACE INTO layer_snapshots (run_seq, step, ord, grp, density, umm, alive) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      tensor: db.prepare(
        'INSERT OR REPLACE INTO tensor_densities (run_seq, step, ord, tensor, nnz, size, alive_size) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      event: db.prepare('INSERT INTO events (run_seq, step, kind, at, payload) VALUES (?, ?, ?, ?, ?)'),
      checkpoint: db.prepare(
        'INSERT OR REPLACE INTO checkpoints (run_seq, step, epoch, path, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      progress: db.prepare('UPDATE runs SET progress_json = ? WHERE seq = ?'),
      heartbeat: db.prepare('UPDATE runs SET heartbeat_at = ? WHERE seq = ?'),
      backend: db.prepare(
        `UPDATE runs SET backend = ?, backend_json = ?, versions_json = json_set(versions_json, '$.' || ?, ?) WHERE seq = ?`,
      ),
    }
  }

  write(batch: IngestBatch): void {
    try {
      this.writeAll(batch)
    } catch (error) {
      // The transaction rolls back, so key ids cached during it may not exist any more.
      this.keyIds.clear()
      throw error
    }
  }

  private writeAll(batch: IngestBatch): void {
    const s = this.statements
    for (const { runId, points } of batch.metrics) {
      const seq = this.seq(runId)
      if (seq === undefined) continue
      for (const p of points) s.metric.run(seq, this.keyId(p.key), p.step, p.value)
    }
    for (const { runId, snapshot } of batch.snapshots) {
      const seq = this.seq(runId)
      if (seq === undefined) continue
      snapshot.layers.forEach((layer, ord) =>
        s.snapshot.run(
          seq,
          snapshot.step,
          ord,
          layer.group,
          float32Blob(layer.density),
          float32Blob(layer.umm),
          uint8Blob(layer.alive),
        ),
      )
      snapshot.densities.forEach((d, ord) =>
        s.tensor.run(seq, snapshot.step, ord, d.tensor, d.nnz, d.size, d.aliveSize),
      )
    }
    for (const event of batch.events) {
      const seq = this.seq(event.runId)
      if (seq !== undefined) s.event.run(seq, event.step, event.kind, event.at, JSON.stringify(event.message))
    }
    for (const { runId, checkpoint, at } of batch.checkpoints) {
      const seq = this.seq(runId)
      if (seq !== undefined)
        s.checkpoint.run(seq, checkpoint.step, checkpoint.epoch, checkpoint.path, checkpoint.bytes, at)
    }
    for (const [runId, patch] of batch.patches) {
      const seq = this.seq(runId)
      if (seq === undefined) continue
      if (patch.progress) s.progress.run(JSON.stringify(patch.progress), seq)
      if (patch.heartbeatAt !== undefined) s.heartbeat.run(patch.heartbeatAt, seq)
      if (patch.backend) {
        const b = patch.backend
        s.backend.run(b.name, JSON.stringify(b), `"${b.name}"`, b.version, seq)
      }
    }
  }

  /** A deleted run's late data is dropped (undefined), not an error. */
  private seq(runId: string): number | undefined {
    return this.statements.runSeq.get(runId) as number | undefined
  }

  private keyId(key: string): number {
    let id = this.keyIds.get(key)
    if (id === undefined) {
      this.statements.keyInsert.run(key)
      id = this.statements.keyId.get(key) as number
      this.keyIds.set(key, id)
    }
    return id
  }
}
