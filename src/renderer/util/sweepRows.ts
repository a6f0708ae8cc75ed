import type { SweepCellRecord } from '../../shared/api'
import { meanStd, type MeanStd } from './seedGroups'

/** The seed axis folds: every other axis value makes a row of the sweep's table. */
const seedAxis = 'system.seed'

export interface SweepRow {
  /** The non-seed axis values that define the row. */
  readonly values: Readonly<Record<string, string | number | boolean>>
  readonly label: string
  readonly cells: readonly SweepCellRecord[]
  readonly testAccuracy: MeanStd | null
  readonly gpuSupportedFlopsRatio: MeanStd | null
}

/** Cells that differ only in their seed, as one row with mean ± std of the final numbers. */
export function sweepRows(cells: readonly SweepCellRecord[]): SweepRow[] {
  const rows = new Map<
    string,
    { values: Record<string, string | number | boolean>; cells: SweepCellRecord[] }
  >()
  for (const cell of cells) {
    const values = Object.fromEntries(Object.entries(cell.values).filter(([path]) => path !== seedAxis))
    const key = JSON.stringify(values)
    const row = rows.get(key) ?? { values, cells: [] }
    row.cells.push(cell)
    rows.set(key, row)
  }
  return [...rows.values()].map((row) => ({
    values: row.values,
    label:
      Object.entries(row.values)
        .map(([path, value]) => `${path}=${String(value)}`)
        .join(', ') || 'all seeds',
    cells: row.cells,
    testAccuracy: meanStd(row.cells.map((c) => c.result?.final.testAccuracy)),
    gpuSupportedFlopsRatio: meanStd(row.cells.map((c) => c.result?.flops.gpuSupportedRatio)),
  }))
}
