import { randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { SweepSpec } from '../../shared/sweep/sweepSpec'
import type { AxisValue } from '../../shared/sweep/expandSweep'
import { NotFoundError } from './hostErrors'

export interface SweepRow {
  readonly id: string
  readonly name: string
  readonly spec: SweepSpec
  readonly executor: string
  readonly createdAt: number
}

export interface StoredCell {
  readonly index: number
  readonly values: Record<string, AxisValue>
  /** Null once the cell's run was deleted on its own. */
  readonly runId: string | null
}

const two = (n: number) => String(n).padStart(2, '0')

/** `sweep-20261207-041500-3fa9c1`, like run ids. */
export function newSweepId(now = new Date()): string {
  const date = `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}`
  const time = `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`
  return `sweep-${date}-${time}-${randomBytes(3).toString('hex')}`
}

/** Sweeps and their cells (each cell links one run); the runs themselves live in `runs`. */
export class SweepStore {
  constructor(private readonly db: Database.Database) {}

  /** Records the sweep and links its cells to runs already created (in the caller's transaction). */
  insert(
    spec: SweepSpec,
    name: string,
    cells: readonly { index: number; values: Record<string, AxisValue>; runId: string }[],
  ): string {
    let id = newSweepId()
    while (this.db.prepare('SELECT 1 FROM sweeps WHERE id = ?').get(id)) id = newSweepId()
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO sweeps (id, name, spec_json, executor, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, name, JSON.stringify(spec), spec.executor, Date.now())
    const link = this.db.prepare(
      `INSERT INTO sweep_cells (sweep_seq, cell, values_json, run_seq)
       VALUES (?, ?, ?, (SELECT seq FROM runs WHERE id = ?))`,
    )
    for (const cell of cells) link.run(lastInsertRowid, cell.index, JSON.stringify(cell.values), cell.runId)
    return id
  }

  list(): SweepRow[] {
    return (
      this.db.prepare('SELECT * FROM sweeps ORDER BY created_at DESC, seq DESC').all() as RawSweep[]
    ).map(toSweep)
  }

  get(sweepId: string): SweepRow | undefined {
    const row = this.db.prepare('SELECT * FROM sweeps WHERE id = ?').get(sweepId) as RawSweep | undefined
    return row && toSweep(row)
  }

  require(sweepId: string): SweepRow {
    const sweep = this.get(sweepId)
    if (!sweep) throw new NotFoundError(`No sweep "${sweepId}": list them with chase-workbench sweep --list`)
    return sweep
  }

  cells(sweepId: string): StoredCell[] {
    return (
      this.db
        .prepare(
          `SELECT c.cell, c.values_json, r.id AS run_id FROM sweep_cells c
           JOIN sweeps s ON s.seq = c.sweep_seq LEFT JOIN runs r ON r.seq = c.run_seq
           WHERE s.id = ? ORDER BY c.cell`,
        )
        .all(sweepId) as { cell: number; values_json: string; run_id: string | null }[]
    ).map((r) => ({
      index: r.cell,
      values: JSON.parse(r.values_json) as Record<string, AxisValue>,
      runId: r.run_id,
    }))
  }

  /** The sweep a run belongs to, if any. */
  sweepOfRun(runId: string): string | undefined {
    return this.db
      .prepare(
        `SELECT s.id FROM sweeps s JOIN sweep_cells c ON c.sweep_seq = s.seq
         JOIN runs r ON r.seq = c.run_seq WHERE r.id = ?`,
      )
      .pluck()
      .get(runId) as string | undefined
  }

  delete(sweepId: string): void {
    this.db.prepare('DELETE FROM sweeps WHERE id = ?').run(sweepId)
  }
}

interface RawSweep {
  id: string
  name: string
  spec_json: string
  executor: string
  created_at: number
}

function toSweep(row: RawSweep): SweepRow {
  return {
    id: row.id,
    name: row.name,
    spec: JSON.parse(row.spec_json) as SweepSpec,
    executor: row.executor,
    createdAt: row.created_at,
  }
}
