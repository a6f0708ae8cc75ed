import { packRgb, unpackRgb, viridisTable, type PackedColor } from './colormap'
import type { ChannelGrid } from './channelGrid'

export interface RasterOptions {
  /** Output size in device pixels. */
  readonly width: number
  readonly height: number
  /** Value mapped to the bottom and the top of the colour scale. */
  readonly min: number
  readonly max: number
  /** Scale each layer to its own top (`grid.bandScaleTop`) instead of `max`. */
  readonly perLayer?: boolean
  /** Colour of removed channels. */
  readonly removed: readonly [number, number, number]
}

/**
 * Paints the grid at exactly `width × height` pixels (one pixel per output pixel, so nothing is left to
 * image smoothing). When there are more channels or snapshots than pixels, cells are averaged into bins;
 * a bin's colour is the mean alive value blended toward the removed colour by its removed share, so a
 * single dead channel still tints its pixel row instead of vanishing.
 */
export function rasterize(grid: ChannelGrid, options: RasterOptions, target?: Uint32Array): Uint32Array {
  const width = Math.max(1, Math.floor(options.width))
  const height = Math.max(1, Math.floor(options.height))
  const pixels = target && target.length === width * height ? target : new Uint32Array(width * height)
  const { channels, snapshots: columns } = grid
  if (channels === 0 || columns === 0) {
    pixels.fill(0)
    return pixels
  }
  const rowBins = Math.min(channels, height)
  const colBins = Math.min(columns, width)
  const binOfColumn = new Int32Array(columns)
  for (let c = 0; c < columns; c++) binOfColumn[c] = Math.floor((c * colBins) / columns)

  const binTop = rowBinTops(grid, rowBins, options)
  const sums = new Float32Array(rowBins * colBins)
  const aliveCounts = new Uint32Array(rowBins * colBins)
  const totals = new Uint32Array(rowBins * colBins)
  const { values, alive, stride } = grid
  for (let row = 0; row < channels; row++) {
    const binBase = Math.floor((row * rowBins) / channels) * colBins
    const cellBase = row * stride
    for (let c = 0; c < columns; c++) {
      const bin = binBase + binOfColumn[c]!
      totals[bin]!++
      if (alive[cellBase + c] === 1) {
        sums[bin]! += values[cellBase + c]!
        aliveCounts[bin]!++
      }
    }
  }

  const binColors = new Uint32Array(rowBins * colBins)
  const removedColor = packRgb(...options.removed)
  for (let bin = 0; bin < binColors.length; bin++) {
    const top = binTop[Math.floor(bin / colBins)]!
    binColors[bin] = cellColor(sums[bin]!, aliveCounts[bin]!, totals[bin]!, top, options, removedColor)
  }

  const binOfX = new Int32Array(width)
  for (let x = 0; x < width; x++) binOfX[x] = Math.floor((x * colBins) / width)
  for (let y = 0; y < height; y++) {
    const binBase = Math.floor((y * rowBins) / height) * colBins
    const rowBase = y * width
    for (let x = 0; x < width; x++) pixels[rowBase + x] = binColors[binBase + binOfX[x]!]!
  }
  return pixels
}

/** The top of the colour scale for each row bin (its first row's layer when scaling per layer). */
export function rowBinTops(
  grid: ChannelGrid,
  rowBins: number,
  options: Pick<RasterOptions, 'min' | 'max' | 'perLayer'>,
): Float32Array {
  const binTop = new Float32Array(rowBins).fill(options.max)
  if (!options.perLayer) return binTop
  const channels = grid.channels
  grid.bands.forEach((band, b) => {
    const top = grid.bandScaleTop[b]! > options.min ? grid.bandScaleTop[b]! : options.max
    for (let row = band.start; row < band.start + band.channels; row++) {
      const bin = Math.floor((row * rowBins) / channels)
      if (Math.floor(((row - 1) * rowBins) / channels) !== bin || row === 0) binTop[bin] = top
    }
  })
  return binTop
}

/**
 * The colour of a bin of cells: the mean alive value on the scale [min, top], blended toward the removed
 * colour by the removed share (all removed: the removed colour).
 */
export function cellColor(
  aliveSum: number,
  aliveCount: number,
  total: number,
  top: number,
  options: Pick<RasterOptions, 'min' | 'removed'>,
  removedColor: PackedColor,
): PackedColor {
  if (aliveCount === 0) return removedColor
  const t = (aliveSum / aliveCount - options.min) / (top > options.min ? top - options.min : 1)
  const color = viridisTable[Math.round(Math.min(1, Math.max(0, t)) * 255)]!
  const removedShare = 1 - aliveCount / total
  return removedShare > 0 ? blend(color, options.removed, removedShare) : color
}

function blend(color: PackedColor, toward: readonly [number, number, number], share: number): PackedColor {
  const [r, g, b] = unpackRgb(color)
  return packRgb(
    Math.round(r + (toward[0] - r) * share),
    Math.round(g + (toward[1] - g) * share),
    Math.round(b + (toward[2] - b) * share),
  )
}
