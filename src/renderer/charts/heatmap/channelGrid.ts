import type { LayerSnapshot } from '../../../shared/api/runRecords'

export type ChannelMetric = 'density' | 'umm'

/** The rows one layer occupies in a grid that stacks several layers. */
export interface LayerBand {
  readonly group: string
  readonly start: number
  readonly channels: number
}

/**
 * Channels × snapshots, row-major (`values[channel · snapshots + snapshot]`), flat typed arrays so a
 * 5,000 × 200 grid is two allocations and the rasteriser walks memory in order.
 */
export interface ChannelGrid {
  readonly channels: number
  readonly snapshots: number
  /** Training step of each column. */
  readonly steps: readonly number[]
  readonly values: Float32Array
  /** 1 alive, 0 removed. */
  readonly alive: Uint8Array
  readonly bands: readonly LayerBand[]
  /** Original channel index of each row (rows may be reordered, e.g. by removal step). */
  readonly channelOfRow: Int32Array
  /** Largest value among alive cells (the colour scale's top), 0 when all are removed. */
  readonly maxAlive: number
  /** The same per band (layer), in band order. */
  readonly bandMax: readonly number[]
  /**
   * Tops of the colour scale: the 98th percentile of the alive values, overall and per band, so that a
   * few outlying channels do not wash out everything else (values above it take the top colour).
   */
  readonly scaleTop: number
  readonly bandScaleTop: readonly number[]
}

/** Share of alive values below the colour scale's top. */
export const scaleQuantile = 0.98

export type RowOrder = 'original' | 'removal'

/**
 * Builds the grid of one metric for the given layers (all of them when `groups` is empty) from a run's
 * snapshots, ordered by step. A layer missing from a snapshot shows as removed there.
 */
export function channelGrid(
  snapshots: readonly LayerSnapshot[],
  metric: ChannelMetric,
  groups: readonly string[],
  order: RowOrder = 'original',
): ChannelGrid {
  const bands = layerBands(snapshots, groups)
  const channels = bands.reduce((total, band) => total + band.channels, 0)
  const columns = snapshots.length
  const values = new Float32Array(channels * columns)
  const alive = new Uint8Array(channels * columns)
  const bandMax = bands.map(() => 0)
  snapshots.forEach((snapshot, column) => {
    for (const [b, band] of bands.entries()) {
      const layer = snapshot.layers.find((l) => l.group === band.group)
      if (!layer) continue
      const source = metric === 'density' ? layer.density : layer.umm
      for (let c = 0; c < band.channels; c++) {
        const cell = (band.start + c) * columns + column
        const isAlive = layer.alive[c] === 1 ? 1 : 0
        const value = source[c] ?? 0
        values[cell] = value
        alive[cell] = isAlive
        if (isAlive && value > bandMax[b]!) bandMax[b] = value
      }
    }
  })
  const grid: ChannelGrid = {
    channels,
    snapshots: columns,
    steps: snapshots.map((s) => s.step),
    values,
    alive,
    bands,
    channelOfRow: identityRows(bands),
    maxAlive: Math.max(0, ...bandMax),
    bandMax,
    scaleTop: quantile(values, alive, 0, channels, columns, Math.max(0, ...bandMax)),
    bandScaleTop: bands.map((band, b) =>
      quantile(values, alive, band.start, band.start + band.channels, columns, bandMax[b]!),
    ),
  }
  return order === 'removal' ? orderRowsByRemoval(grid) : grid
}

/** The `scaleQuantile` quantile of the alive cells of rows [from, to), by a 1,024-bin histogram over [0, max]. */
function quantile(
  values: Float32Array,
  alive: Uint8Array,
  from: number,
  to: number,
  columns: number,
  max: number,
): number {
  if (!(max > 0)) return 0
  const bins = 1024
  const counts = new Uint32Array(bins)
  let total = 0
  for (let cell = from * columns; cell < to * columns; cell++) {
    if (alive[cell] !== 1) continue
    counts[Math.min(bins - 1, Math.floor((values[cell]! / max) * bins))]!++
    total++
  }
  let seen = 0
  for (let bin = 0; bin < bins; bin++) {
    seen += counts[bin]!
    if (seen >= total * scaleQuantile) return ((bin + 1) / bins) * max
  }
  return max
}

function layerBands(snapshots: readonly LayerSnapshot[], groups: readonly string[]): LayerBand[] {
  const widths = new Map<string, number>()
  for (const snapshot of snapshots) {
    for (const layer of snapshot.layers)
      widths.set(layer.group, Math.max(widths.get(layer.group) ?? 0, layer.alive.length))
  }
  const chosen = groups.length > 0 ? groups.filter((g) => widths.has(g)) : [...widths.keys()]
  let start = 0
  return chosen.map((group) => {
    const band = { group, start, channels: widths.get(group)! }
    start += band.channels
    return band
  })
}

function identityRows(bands: readonly LayerBand[]): Int32Array {
  const rows = new Int32Array(bands.reduce((t, b) => t + b.channels, 0))
  for (const band of bands) for (let c = 0; c < band.channels; c++) rows[band.start + c] = c
  return rows
}

/**
 * Within each layer, channels removed earliest go to the bottom and survivors stay on top, so deaths read
 * as a staircase over time.
 */
export function orderRowsByRemoval(grid: ChannelGrid): ChannelGrid {
  const { snapshots: columns } = grid
  const values = new Float32Array(grid.values.length)
  const alive = new Uint8Array(grid.alive.length)
  const channelOfRow = new Int32Array(grid.channels)
  for (const band of grid.bands) {
    const rows = Array.from({ length: band.channels }, (_, c) => band.start + c)
    const firstDead = (row: number) => {
      for (let column = 0; column < columns; column++)
        if (grid.alive[row * columns + column] === 0) return column
      return columns
    }
    const death = new Map(rows.map((row) => [row, firstDead(row)]))
    rows.sort((a, b) => death.get(b)! - death.get(a)! || a - b)
    rows.forEach((sourceRow, i) => {
      const targetRow = band.start + i
      values.set(grid.values.subarray(sourceRow * columns, (sourceRow + 1) * columns), targetRow * columns)
      alive.set(grid.alive.subarray(sourceRow * columns, (sourceRow + 1) * columns), targetRow * columns)
      channelOfRow[targetRow] = grid.channelOfRow[sourceRow]!
    })
  }
  return { ...grid, values, alive, channelOfRow }
}

/** The band (layer) a row belongs to. */
export function bandOfRow(grid: ChannelGrid, row: number): LayerBand | undefined {
  return grid.bands.find((band) => row >= band.start && row < band.start + band.channels)
}
