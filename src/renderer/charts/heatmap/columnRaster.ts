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
  private painted: {
    grid: ChannelGrid
    columns: number
    lastStep: number
    rowBins: number
    columnWidth: number
    capacity: number
    tops: Float32Array
    key: string
  } | null = null
  /** The columns the last draw painted: [from, to) (tests and the page's timing read it). */
  lastPainted = { from: 0, to: 0 }

  draw(grid: ChannelGrid, options: ColumnRasterOptions): ColumnImage | null {
    const width = Math.max(1, Math.floor(options.width))
    const height = Math.max(1, Math.floor(options.height))
    const columns = grid.snapshots
    if (grid.channels === 0 || columns === 0 || columns > width) {
      this.surface = null
      this.painted = null
      return null
    }
    const rowBins = Math.min(grid.channels, height)
    const tops = rowBinTops(grid, rowBins, options)
    const key = `${width}x${height}|${options.min}|${options.max}|${options.perLayer}|${options.removed.join()}`
    const p = this.painted
    const appendable =
      p !== null &&
      this.surface !== null &&
      p.key === key &&
      p.rowBins === rowBins &&
      p.grid.bands === grid.bands &&
      p.grid.channelOfRow === grid.channelOfRow &&
      columns >= p.columns &&
      columns <= p.capacity &&
      grid.steps[p.columns - 1] === p.lastStep &&
      topsClose(p.tops, tops)
    if (appendable) {
      this.paintColumns(grid, p.columns, columns, p, options)
      p.grid = grid
      p.columns = columns
      p.lastStep = grid.steps[columns - 1]!
      return {
        surface: this.surface!,
        sourceWidth: columns * p.columnWidth,
        sourceHeight: rowBins,
        fresh: false,
      }
    }
    const columnWidth = Math.max(1, Math.floor(width / columns))
    // Room for the grid's spare columns (a live run appends into them) within a sensible width.
    const capacity = Math.max(columns, Math.min(grid.stride, Math.floor(maxSurfaceWidth / columnWidth)))
    this.surface = options.createSurface(capacity * columnWidth, rowBins)
    const next = {
      grid,
      columns,
      lastStep: grid.steps[columns - 1]!,
      rowBins,
      columnWidth,
      capacity,
      tops,
      key,
    }
    this.paintColumns(grid, 0, columns, next, options)
    this.painted = next
    return { surface: this.surface, sourceWidth: columns * columnWidth, sourceHeight: rowBins, fresh: true }
  }

  /** Writes columns [from, to) with the painted scale, in one `putImageData` of just that region. */
  private paintColumns(
    grid: ChannelGrid,
    from: number,
    to: number,
    layout: { rowBins: number; columnWidth: number; tops: Float32Array },
    options: ColumnRasterOptions,
  ): void {
    this.lastPainted = { from, to }
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
        const color = cellColor(
          sums[k]!,
          aliveCounts[k]!,
          endRow - firstRow,
          tops[bin]!,
          options,
          removedColor,
        )
        pixels.fill(color, line + k * columnWidth, line + (k + 1) * columnWidth)
      }
    }
    this.surface!.putImageData(image, from * columnWidth, 0)
  }
}

function topsClose(painted: Float32Array, now: Float32Array): boolean {
  if (painted.length !== now.length) return false
  for (let i = 0; i < now.length; i++) {
    const a = painted[i]!
    if (Math.abs(now[i]! - a) > topTolerance * Math.abs(a)) return false
  }
  return true
}
