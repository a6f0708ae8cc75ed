import type { AxisValue } from './expandSweep'

/** Seeds folded into mean ± std, and the accuracy/FLOPs Pareto front: the numbers of a sweep's page. */

export interface MeanStd {
  readonly mean: number
  /** Sample standard deviation (n − 1); 0 for a single value. */
  readonly std: number
  readonly n: number
}

export function meanStd(values: readonly number[]): MeanStd | null {
  if (values.length === 0) return null
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const variance =
    values.length < 2 ? 0 : values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)
  return { mean, std: Math.sqrt(variance), n: values.length }
}

/** The axes that are seeds: they fold, every other axis defines a row. */
export const seedAxis = 'system.seed'

export interface CellRow<T> {
  /** The non-seed axis values that define this row. */
  readonly values: Readonly<Record<string, AxisValue>>
  readonly label: string
  readonly members: readonly T[]
}

/** Groups cells that differ only in their seed, in the order the first member of each group appears. */
export function foldSeeds<T extends { values: Readonly<Record<string, AxisValue>> }>(
  cells: readonly T[],
): CellRow<T>[] {
  const rows = new Map<string, { values: Record<string, AxisValue>; members: T[] }>()
  for (const cell of cells) {
    const values = Object.fromEntries(Object.entries(cell.values).filter(([path]) => path !== seedAxis))
    const key = JSON.stringify(values)
    const row = rows.get(key) ?? { values, members: [] }
    row.members.push(cell)
    rows.set(key, row)
  }
  return [...rows.values()].map((row) => ({
    values: row.values,
    label:
      Object.entries(row.values)
        .map(([path, value]) => `${path}=${String(value)}`)
        .join(', ') || 'all seeds',
    members: row.members,
  }))
}

export interface ParetoPoint {
  /** Cost to minimise (GPU-supported FLOPs ratio). */
  readonly cost: number
  /** Value to maximise (test accuracy). */
  readonly value: number
}

/**
 * Indices of the points no other point beats on both axes (lower or equal cost and higher or equal value,
 * one of them strictly), sorted by cost: the front a researcher picks a trade-off from.
 */
export function paretoFront(points: readonly ParetoPoint[]): number[] {
  const order = points
    .map((p, i) => ({ ...p, i }))
    .filter((p) => Number.isFinite(p.cost) && Number.isFinite(p.value))
    .sort((a, b) => a.cost - b.cost || b.value - a.value)
  const front: number[] = []
  let best = -Infinity
  for (const p of order) {
    if (p.value > best) {
      front.push(p.i)
      best = p.value
    }
  }
  return front
}
