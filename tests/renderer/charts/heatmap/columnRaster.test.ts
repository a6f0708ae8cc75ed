import { describe, expect, it } from 'vitest'
import { ColumnRaster, type RasterImage } from '../../../../src/renderer/charts/heatmap/columnRaster'
import { ChannelGridBuilder } from '../../../../src/renderer/charts/heatmap/gridBuilder'
import { syntheticSnapshots } from '../../../../src/renderer/bench/syntheticSnapshots'

/** A canvas stand-in: keeps the pixels and every region written. */
function recordingSurface(width: number, height: number) {
  const pixels = new Uint32Array(width * height)
  const writes: { x: number; y: number; width: number; height: number }[] = []
  return {
    pixels,
    writes,
    putImageData(image: RasterImage, x: number, y: number) {
      writes.push({ x, y, width: image.width, height: image.height })
      const source = new Uint32Array(image.data.buffer, image.data.byteOffset, image.width * image.height)
      for (let row = 0; row < image.height; row++)
        pixels.set(source.subarray(row * image.width, (row + 1) * image.width), (y + row) * width + x)
    },
  }
}

const widths = [40, 40, 80, 120]
const plot = { width: 600, height: 200, min: 0, removed: [215, 48, 31] as const, perLayer: true }

function setup() {
  const surfaces: ReturnType<typeof recordingSurface>[] = []
  const options = {
    ...plot,
    createSurface: (w: number, h: number) => {
      const surface = recordingSurface(w, h)
      surfaces.push(surface)
      return surface
    },
    createImageData: (w: number, h: number) => ({
      data: new Uint8ClampedArray(w * h * 4),
      width: w,
      height: h,
    }),
  }
  return { surfaces, options }
}

describe('column raster', () => {
  it('paints only the new column when a snapshot is appended', () => {
    const all = syntheticSnapshots(widths, 60, 0)
    const builder = new ChannelGridBuilder()
    const raster = new ColumnRaster()
    const { surfaces, options } = setup()
    const first = builder.update(all.slice(0, 50), 'density', [], 'original')
    const drawn = raster.draw(first, { ...options, max: first.scaleTop })!
    expect(drawn.fresh).toBe(true)
    const columnWidth = Math.floor(plot.width / 50)
    expect(drawn.sourceWidth).toBe(50 * columnWidth)
    expect(drawn.sourceHeight).toBe(200)
    const surface = surfaces[0]!
    expect(surface.writes).toEqual([{ x: 0, y: 0, width: 50 * columnWidth, height: 200 }])

    const grid = builder.update(all.slice(0, 51), 'density', [], 'original')
    expect(builder.lastChange).toBe('appended')
    const appended = raster.draw(grid, { ...options, max: grid.scaleTop })!
    expect(appended.fresh).toBe(false)
    expect(surfaces).toHaveLength(1)
    // One write, exactly the new column's pixels.
    expect(surface.writes.slice(1)).toEqual([{ x: 50 * columnWidth, y: 0, width: columnWidth, height: 200 }])
    expect(raster.lastPainted).toEqual({ from: 50, to: 51 })
    expect(appended.sourceWidth).toBe(51 * columnWidth)
  })

  it('ends with the same picture as one painted whole, on the same colour scale', () => {
    const all = syntheticSnapshots(widths, 60, 0.5)
    const builder = new ChannelGridBuilder()
    const raster = new ColumnRaster()
    const { surfaces, options } = setup()
    const scale = { ...options, perLayer: false, max: 0.3 }
    raster.draw(builder.update(all.slice(0, 45), 'density', [], 'original'), scale)
    let grid = builder.update(all.slice(0, 45), 'density', [], 'original')
    for (let n = 46; n <= 50; n++) {
      grid = builder.update(all.slice(0, n), 'density', [], 'original')
      expect(raster.draw(grid, scale)!.fresh).toBe(false)
    }
    const whole = setup()
    new ColumnRaster().draw(grid, { ...whole.options, perLayer: false, max: 0.3 })
    const columnWidth = Math.floor(plot.width / 45)
    const [kept, fresh] = [surfaces[0]!, whole.surfaces[0]!]
    const keptStride = kept.pixels.length / 200
    const freshStride = fresh.pixels.length / 200
    for (let y = 0; y < 200; y++) {
      // The fresh one lays out 50 columns, narrower: compare column by column at their left pixel.
      for (let c = 0; c < 50; c++) {
        expect(kept.pixels[y * keptStride + c * columnWidth]).toBe(
          fresh.pixels[y * freshStride + c * Math.floor(plot.width / 50)],
        )
      }
    }
  })

  it('paints whole again when the rows change order, the plot is resized or the colour scale moves', () => {
    const all = syntheticSnapshots(widths, 60, 0.5)
    const builder = new ChannelGridBuilder()
    const raster = new ColumnRaster()
    const { surfaces, options } = setup()
    const grid = builder.update(all.slice(0, 40), 'density', [], 'original')
    raster.draw(grid, { ...options, max: grid.scaleTop })
    raster.draw(grid, { ...options, max: grid.scaleTop, height: 150 })
    expect(surfaces).toHaveLength(2)
    const byRemoval = builder.update(all.slice(0, 41), 'density', [], 'removal')
    expect(raster.draw(byRemoval, { ...options, max: byRemoval.scaleTop, height: 150 })!.fresh).toBe(true)
    expect(raster.lastPainted).toEqual({ from: 0, to: 41 })
    const moved = { ...options, max: grid.scaleTop * 1.5, perLayer: false, height: 150 }
    raster.draw(byRemoval, moved)
    const again = builder.update(all.slice(0, 42), 'density', [], 'removal')
    expect(raster.draw(again, { ...moved, max: again.scaleTop * 2 })!.fresh).toBe(true)
  })

  it('paints a new picture in slices ahead of the draw, which then paints nothing', () => {
    const all = syntheticSnapshots(widths, 60, 0.5)
    const raster = new ColumnRaster()
    const { surfaces, options } = setup()
    const old = new ChannelGridBuilder().update(all.slice(0, 30), 'density', [], 'original')
    const shown = raster.draw(old, { ...options, max: old.scaleTop })!
    // A rebuilt grid (new bands): the held picture cannot take it, so it is painted 16 columns a step.
    const grid = new ChannelGridBuilder().update(all, 'density', [], 'original')
    const scale = { ...options, max: grid.scaleTop }
    const slices = raster.paintInSlices(grid, scale, 16)
    let yields = 0
    while (!slices.next().done) {
      yields++
      // Meanwhile the old grid still draws from its own picture.
      expect(raster.draw(old, { ...options, max: old.scaleTop })!.surface).toBe(shown.surface)
    }
    expect(yields).toBe(3)
    const ahead = surfaces[1]!
    const columnWidth = Math.floor(plot.width / 60)
    expect(ahead.writes.map((w) => w.x)).toEqual([0, 16, 32, 48].map((c) => c * columnWidth))

    const drawn = raster.draw(grid, scale)!
    expect(drawn.surface).toBe(ahead)
    expect(drawn.fresh).toBe(false)
    expect(raster.lastPainted).toEqual({ from: 60, to: 60 })
    expect(ahead.writes).toHaveLength(4)
    const whole = setup()
    new ColumnRaster().draw(grid, { ...whole.options, max: grid.scaleTop })
    const wholePixels = whole.surfaces[0]!.pixels
    expect(ahead.pixels.filter((pixel, i) => pixel !== wholePixels[i]).length).toBe(0)
  })

  it('paints nothing ahead when the held picture can take the grid by appending', () => {
    const all = syntheticSnapshots(widths, 60, 0)
    const builder = new ChannelGridBuilder()
    const raster = new ColumnRaster()
    const { surfaces, options } = setup()
    const first = builder.update(all.slice(0, 50), 'density', [], 'original')
    raster.draw(first, { ...options, max: first.scaleTop })
    const grid = builder.update(all.slice(0, 51), 'density', [], 'original')
    const slices = raster.paintInSlices(grid, { ...options, max: grid.scaleTop }, 16)
    expect(slices.next().done).toBe(true)
    expect(surfaces).toHaveLength(1)
    expect(surfaces[0]!.writes).toHaveLength(1)
  })

  it('leaves more columns than pixels to the averaging rasteriser', () => {
    const all = syntheticSnapshots(widths, 60, 0)
    const grid = new ChannelGridBuilder().update(all, 'density', [], 'original')
    const { options } = setup()
    expect(new ColumnRaster().draw(grid, { ...options, max: grid.scaleTop, width: 59 })).toBeNull()
  })
})
