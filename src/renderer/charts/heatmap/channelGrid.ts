import type { SnapshotView } from '../../../shared/api/packedSnapshots'

export type ChannelMetric = 'density' | 'umm'

/** The rows one layer occupies in a grid that stacks several layers. */
export interface LayerBand {
  readonly group: string
  readonly start: number
  readonly channels: number
}

/**
 * Channels × snapshots, row-major (`values[channel · stride + snapshot]`), flat typed arrays so a
 * 5,000 × 200 grid is two allocations and the rasteriser walks memory in order. `stride` may exceed
 * `snapshots`: the spare columns let a live snapshot be appended in place (`gridBuilder.ts`).
 */
export interface ChannelGrid {
  readonly channels: number
  readonly snapshots: number
  /** Cells from one row to the next (at least `snapshots`). */
  readonly stride: number
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
  snapshots: readonly SnapshotView[],
  metric: ChannelMetric,
  groups: readonly string[],
  order: RowOrder = 'original',
  stride = snapshots.length,
): ChannelGrid {
  const grid = writeColumns(emptyGrid(snapshots, groups, stride), snapshots, metric)
  return order === 'removal' ? orderRowsByRemoval(grid) : grid
}

/** A grid with the bands of `snapshots` and room for `stride` columns, none written yet. */
export function emptyGrid(
  snapshots: readonly SnapshotView[],
  groups: readonly string[],
  stride: number,
): ChannelGrid {
  const bands = layerBands(snapshots, groups)
  const channels = bands.reduce((total, band) => total + band.channels, 0)
  const width = Math.max(stride, snapshots.length)
  return {
    channels,
    snapshots: 0,
    stride: width,
    steps: [],
    values: new Float32Array(channels * width),
    alive: new Uint8Array(channels * width),
    bands,
    channelOfRow: identityRows(bands),
    maxAlive: 0,
    bandMax: bands.map(() => 0),
    scaleTop: 0,
    bandScaleTop: bands.map(() => 0),
  }
}

/**
 * The grid with `added` snapshots as new columns on the right. The cells are written into the spare
 * columns in place when the stride has room (the older grid object still reads only its own columns),
 * else into buffers twice as wide. The caller checks that the layers fit the grid's bands.
 */
export function writeColumns(
  grid: ChannelGrid,
  added: readonly SnapshotView[],
  metric: ChannelMetric,
): ChannelGrid {
  const { channels, bands } = grid
  const columns = grid.snapshots + added.length
  let { stride, values, alive } = grid
  if (columns > stride) {
    const wider = Math.max(columns, stride * 2)
    values = new Float32Array(channels * wider)
    alive = new Uint8Array(channels * wider)
    for (let row = 0; row < channels; row++) {
      values.set(grid.values.subarray(row * stride, row * stride + grid.snapshots), row * wider)
      alive.set(grid.alive.subarray(row * stride, row * stride + grid.snapshots), row * wider)
    }
    stride = wider
  }
  const bandMax = grid.bandMax.slice()
  added.forEach((snapshot, i) => {
    const column = grid.snapshots + i
    for (const [b, band] of bands.entries()) {
      const layer = snapshot.layers.find((l) => l.group === band.group)
      if (!layer) {
        // A layer missing from a snapshot shows as removed there.
        for (let c = 0; c < band.channels; c++) {
          values[(band.start + c) * stride + column] = 0
          alive[(band.start + c) * stride + column] = 0
        }
        continue
      }
      const source = metric === 'density' ? layer.density : layer.umm
      const sourceAlive = layer.alive
      let top = bandMax[b]!
      for (let c = 0; c < band.channels; c++) {
        const cell = (band.start + c) * stride + column
        const isAlive = sourceAlive[c] === 1 ? 1 : 0
        const value = source[c] ?? 0
        values[cell] = value
        alive[cell] = isAlive
        if (isAlive === 1 && value > top) top = value
      }
      bandMax[b] = top
    }
  })
  const maxAlive = Math.max(0, ...bandMax)
  // The colour scale's histograms grow by the new columns only, unless a new maximum moved their bins.
  const before = histogramsOf.get(grid)
  const cells = { values, alive, stride, fromColumn: grid.snapshots, columns }
  const overall = extendHistogram(before?.overall, cells, 0, channels, maxAlive)
  const perBand = bands.map((band, b) =>
    extendHistogram(before?.bands[b], cells, band.start, band.start + band.channels, bandMax[b]!),
  )
  const next: ChannelGrid = {
    ...grid,
    snapshots: columns,
    stride,
    steps: [...grid.steps, ...added.map((s) => s.step)],
    values,
    alive,
    maxAlive,
    bandMax,
    scaleTop: histogramQuantile(overall),
    bandScaleTop: perBand.map(histogramQuantile),
  }
  histogramsOf.set(next, { overall, bands: perBand })
  return next
}

/** Alive cells of some rows counted in 1,024 bins over [0, max]. */
interface Histogram {
  readonly max: number
  readonly counts: Uint32Array
  readonly total: number
}

const histogramBins = 1024
// Kept beside each grid the builder may extend (not part of the grid's public shape).
const histogramsOf = new WeakMap<ChannelGrid, { overall: Histogram; bands: Histogram[] }>()

interface Cells {
  readonly values: Float32Array
  readonly alive: Uint8Array
  readonly stride: number
  /** Columns before this one are already counted in the previous histogram. */
  readonly fromColumn: number
  readonly columns: number
}

/** The histogram of rows [from, to): the previous one plus the new columns, or all columns afresh. */
function extendHistogram(
  previous: Histogram | undefined,
  cells: Cells,
  from: number,
  to: number,
  max: number,
) {
  const reuse = previous !== undefined && previous.max === max
  const counts = reuse ? previous.counts.slice() : new Uint32Array(histogramBins)
  let total = reuse ? previous.total : 0
  if (max > 0) {
    const { values, alive, stride, columns } = cells
    const first = reuse ? cells.fromColumn : 0
    for (let row = from; row < to; row++) {
      for (let cell = row * stride + first; cell < row * stride + columns; cell++) {
        if (alive[cell] !== 1) continue
        counts[Math.min(histogramBins - 1, Math.floor((values[cell]! / max) * histogramBins))]!++
        total++
      }
    }
  }
  return { max, counts, total }
}

/** The `scaleQuantile` quantile of the counted cells (the top of the colour scale), 0 when there are none. */
function histogramQuantile({ max, counts, total }: Histogram): number {
  if (!(max > 0)) return 0
  let seen = 0
  for (let bin = 0; bin < histogramBins; bin++) {
    seen += counts[bin]!
    if (seen >= total * scaleQuantile) return ((bin + 1) / histogramBins) * max
  }
  return max
}

export function layerBands(snapshots: readonly SnapshotView[], groups: readonly string[]): LayerBand[] {
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
 * as a staircase over time. The result is packed (stride = snapshots).
 */
export function orderRowsByRemoval(grid: ChannelGrid): ChannelGrid {
  const { snapshots: columns, stride } = grid
  const values = new Float32Array(grid.channels * columns)
  const alive = new Uint8Array(grid.channels * columns)
  const channelOfRow = new Int32Array(grid.channels)
  for (const band of grid.bands) {
    const rows = Array.from({ length: band.channels }, (_, c) => band.start + c)
    const firstDead = (row: number) => {
      for (let column = 0; column < columns; column++)
        if (grid.alive[row * stride + column] === 0) return column
      return columns
    }
    const death = new Map(rows.map((row) => [row, firstDead(row)]))
    rows.sort((a, b) => death.get(b)! - death.get(a)! || a - b)
    rows.forEach((sourceRow, i) => {
      const targetRow = band.start + i
      const from = sourceRow * stride
      values.set(grid.values.subarray(from, from + columns), targetRow * columns)
      alive.set(grid.alive.subarray(from, from + columns), targetRow * columns)
      channelOfRow[targetRow] = grid.channelOfRow[sourceRow]!
    })
  }
  return { ...grid, stride: columns, values, alive, channelOfRow }
}

/** The band (layer) a row belongs to. */
export function bandOfRow(grid: ChannelGrid, row: number): LayerBand | undefined {
  return grid.bands.find((band) => row >= band.start && row < band.start + band.channels)
}
