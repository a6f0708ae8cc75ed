import type { ChannelGrid } from './channelGrid'
import { packRgb } from './colormap'
import { cellColor, rowBinTops, type RasterOptions } from './rasterize'

/** The little of a 2D canvas the raster writes to (a real canvas in the page, a recorder in tests). */
export interface RasterSurface {
  putImageData(image: RasterImage, x: number, y: number): void
}

export interface RasterImage {
  readonly data: Uint8ClampedArray
  readonly width: number
  readonly height: number
}

export interface ColumnRasterOptions extends RasterOptions {
  /** A fresh surface of this size in device pixels. */
  readonly createSurface: (width: number, height: number) => RasterSurface
  readonly createImageData: (width: number, height: number) => RasterImage
}

/** What the chart draws: `surface`'s region [0, sourceWidth) × [0, sourceHeight), stretched to the plot. */
export interface ColumnImage {
  readonly surface: RasterSurface
  readonly sourceWidth: number
  readonly sourceHeight: number
  /** True when the surface is new (the chart must take it), false when columns were added in place. */
  readonly fresh: boolean
}

// A picture wider than this is not worth keeping: fewer, wider columns repaint whole instead.
const maxSurfaceWidth = 4096
// A colour-scale top that moved less than this share keeps the painted picture (the legend is within it).
const topTolerance = 0.01

/**
 * The heatmap's picture, one band of pixels per snapshot column, kept between draws: a snapshot appended
 * to the grid paints only its own column (`putImageData` of that column), and the chart stretches the
 * painted region over the plot. Anything else (other layers or order, a resize, a colour scale that
 * moved, more columns than pixels) paints the whole picture again. Returns null when there are more
 * columns than pixels: then each pixel must average several columns, which `rasterize` does.
 */
export class ColumnRaster {
  private surface: RasterSurface | null = null
  private painted: Painted | null = null
  /** The columns the last draw painted: [from, to) (tests and the page's timing read it). */
  lastPainted = { from: 0, to: 0 }

  draw(grid: ChannelGrid, options: ColumnRasterOptions): ColumnImage | null {
    const plan = planOf(grid, options)
    if (plan === null) {
      this.surface = null
      this.painted = null
      return null
    }
    const p = this.painted
    if (p !== null && this.surface !== null && appends(p, grid, plan)) {
      this.lastPainted = { from: p.columns, to: grid.snapshots }
      paintColumns(this.surface, grid, p.columns, grid.snapshots, p, options)
      p.grid = grid
      p.columns = grid.snapshots
      p.lastStep = grid.steps[grid.snapshots - 1]!
      return this.image(p, false)
    }
    const next = freshPicture(grid, plan)
    this.surface = options.createSurface(next.capacity * next.columnWidth, next.rowBins)
    this.lastPainted = { from: 0, to: next.columns }
    paintColumns(this.surface, grid, 0, next.columns, next, options)
    this.painted = next
    return this.image(next, true)
  }

  /**
   * Paints the whole picture of `grid` on a surface of its own, `columnsPerSlice` columns a step, yielding
   * between steps (the caller spreads them over tasks); once done, a `draw` of the same grid and options
   * paints nothing. Does nothing when `draw` would append to the picture it holds, or leave the grid to
   * `rasterize`: those are quick already.
   */
  *paintInSlices(
    grid: ChannelGrid,
    options: ColumnRasterOptions,
    columnsPerSlice: number,
  ): Generator<void, void> {
    const plan = planOf(grid, options)
    const p = this.painted
    if (plan === null || (p !== null && this.surface !== null && appends(p, grid, plan))) return
    const next = freshPicture(grid, plan)
    const surface = options.createSurface(next.capacity * next.columnWidth, next.rowBins)
    for (let from = 0; from < next.columns; from += columnsPerSlice) {
      if (from > 0) yield
      paintColumns(surface, grid, from, Math.min(next.columns, from + columnsPerSlice), next, options)
    }
    // Taken only now: a draw in between (the old grid, resized) keeps working on its own picture.
    this.surface = surface
    this.painted = next
  }

  private image(p: Painted, fresh: boolean): ColumnImage {
    return { surface: this.surface!, sourceWidth: p.columns * p.columnWidth, sourceHeight: p.rowBins, fresh }
  }
}

/** What a picture of the grid looks like at the options' size and scale, before any column is painted. */
interface Plan {
  readonly width: number
  readonly rowBins: number
  readonly tops: Float32Array
  readonly key: string
}

/** A painted picture: its layout and how far it got. */
interface Painted {
  grid: ChannelGrid
  columns: number
  lastStep: number
  readonly rowBins: number
  readonly columnWidth: number
  readonly capacity: number
  readonly tops: Float32Array
  readonly key: string
}

/** Null when there is nothing to paint or more columns than pixels (`rasterize` averages those). */
function planOf(grid: ChannelGrid, options: ColumnRasterOptions): Plan | null {
  const width = Math.max(1, Math.floor(options.width))
  const height = Math.max(1, Math.floor(options.height))
  if (grid.channels === 0 || grid.snapshots === 0 || grid.snapshots > width) return null
  const rowBins = Math.min(grid.channels, height)
  return {
    width,
    rowBins,
    tops: rowBinTops(grid, rowBins, options),
    key: `${width}x${height}|${options.min}|${options.max}|${options.perLayer}|${options.removed.join()}`,
  }
}

/** True when `grid` is the painted grid with columns added on the right that fit the same picture. */
function appends(p: Painted, grid: ChannelGrid, plan: Plan): boolean {
  const columns = grid.snapshots
  return (
    p.key === plan.key &&
    p.rowBins === plan.rowBins &&
    p.grid.bands === grid.bands &&
    p.grid.channelOfRow === grid.channelOfRow &&
    columns >= p.columns &&
    columns <= p.capacity &&
    grid.steps[p.columns - 1] === p.lastStep &&
    topsClose(p.tops, plan.tops)
  )
}

function freshPicture(grid: ChannelGrid, plan: Plan): Painted {
  const columns = grid.snapshots
  const columnWidth = Math.max(1, Math.floor(plan.width / columns))
  return {
    grid,
    columns,
    lastStep: grid.steps[columns - 1]!,
    rowBins: plan.rowBins,
    columnWidth,
    // Room for the grid's spare columns (a live run appends into them) within a sensible width.
    capacity: Math.max(columns, Math.min(grid.stride, Math.floor(maxSurfaceWidth / columnWidth))),
    tops: plan.tops,
    key: plan.key,
  }
}

/** Writes columns [from, to) with the picture's scale, in one `putImageData` of just that region. */
function paintColumns(
  surface: RasterSurface,
  grid: ChannelGrid,
  from: number,
  to: number,
  layout: { rowBins: number; columnWidth: number; tops: Float32Array },
  options: ColumnRasterOptions,
): void {
  if (to <= from) return
  const { rowBins, columnWidth, tops } = layout
  const regionWidth = (to - from) * columnWidth
  const image = options.createImageData(regionWidth, rowBins)
  const pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, regionWidth * rowBins)
  const { channels, values, alive, stride } = grid
  const removedColor = packRgb(...options.removed)
  const count = to - from
  const sums = new Float64Array(count)
  const aliveCounts = new Uint32Array(count)
  for (let bin = 0; bin < rowBins; bin++) {
    const firstRow = Math.ceil((bin * channels) / rowBins)
    const endRow = Math.ceil(((bin + 1) * channels) / rowBins)
    sums.fill(0)
    aliveCounts.fill(0)
    // Row by row along memory (the grid is row-major), summing each painted column.
    for (let row = firstRow; row < endRow; row++) {
      const base = row * stride + from
      for (let k = 0; k < count; k++) {
        if (alive[base + k] === 1) {
          sums[k]! += values[base + k]!
          aliveCounts[k]!++
        }
      }
    }
    const line = bin * regionWidth
    for (let k = 0; k < count; k++) {
      const color = cellColor(sums[k]!, aliveCounts[k]!, endRow - firstRow, tops[bin]!, options, removedColor)
      pixels.fill(color, line + k * columnWidth, line + (k + 1) * columnWidth)
    }
  }
  surface.putImageData(image, from * columnWidth, 0)
}

function topsClose(painted: Float32Array, now: Float32Array): boolean {
  if (painted.length !== now.length) return false
  for (let i = 0; i < now.length; i++) {
    const a = painted[i]!
    if (Math.abs(now[i]! - a) > topTolerance * Math.abs(a)) return false
  }
  return true
}
