import { describe, expect, it } from 'vitest'
import type { LayerSnapshot } from '../../../../src/shared/api'
import { channelGrid, orderRowsByRemoval } from '../../../../src/renderer/charts/heatmap/channelGrid'
import { packRgb, unpackRgb, viridis, viridisTable } from '../../../../src/renderer/charts/heatmap/colormap'
import { rasterize } from '../../../../src/renderer/charts/heatmap/rasterize'

const snapshot = (step: number, a: number[], b: number[]): LayerSnapshot => ({
  step,
  densities: [],
  layers: [
    { group: 'a', density: a, umm: a.map((v) => v / 10), alive: a.map((v) => (v > 0 ? 1 : 0)) },
    { group: 'b', density: b, umm: b.map((v) => v / 10), alive: b.map((v) => (v > 0 ? 1 : 0)) },
  ],
})
// Layer a: channel 1 dies at the second snapshot. Layer b: channel 0 dies at the third.
const snapshots = [
  snapshot(10, [0.2, 0.4], [0.1, 0.3, 0.5]),
  snapshot(20, [0.2, 0], [0.1, 0.3, 0.5]),
  snapshot(30, [0.3, 0], [0, 0.3, 0.6]),
]

describe('channel grid', () => {
  it('stacks layers as row bands, channels × snapshots, row-major', () => {
    const grid = channelGrid(snapshots, 'density', [])
    expect(grid.channels).toBe(5)
    expect(grid.snapshots).toBe(3)
    expect(grid.steps).toEqual([10, 20, 30])
    expect(grid.bands).toEqual([
      { group: 'a', start: 0, channels: 2 },
      { group: 'b', start: 2, channels: 3 },
    ])
    expect(Array.from(grid.values.subarray(0, 3))).toEqual([0.2, 0.2, 0.3].map(Math.fround))
    expect(Array.from(grid.alive.subarray(3, 6))).toEqual([1, 0, 0])
    expect(grid.maxAlive).toBeCloseTo(0.6)
  })

  it('shows one layer alone, and UMM when asked', () => {
    const grid = channelGrid(snapshots, 'umm', ['b'])
    expect(grid.channels).toBe(3)
    expect(grid.values[2 * 3 + 2]).toBeCloseTo(0.06)
  })

  it('orders rows by removal within each layer, survivors first', () => {
    const grid = orderRowsByRemoval(channelGrid(snapshots, 'density', []))
    expect(Array.from(grid.channelOfRow)).toEqual([0, 1, 1, 2, 0])
    expect(Array.from(grid.alive.subarray(4 * 3, 5 * 3))).toEqual([1, 1, 0])
  })
})

describe('heatmap raster', () => {
  const removed = [200, 30, 20] as const

  it('paints one pixel per cell at full size, removed cells in the removed colour', () => {
    const grid = channelGrid(snapshots, 'density', [])
    const pixels = rasterize(grid, { width: 3, height: 5, min: 0, max: 0.6, removed })
    expect(pixels.length).toBe(15)
    expect(unpackRgb(pixels[1 * 3 + 1]!)).toEqual([...removed])
    expect(pixels[4 * 3 + 2]).toBe(viridisTable[255])
    expect(pixels[0]).toBe(viridisTable[Math.round((0.2 / 0.6) * 255)])
  })

  it('keeps a dead channel visible when several channels share a pixel row', () => {
    const grid = channelGrid(snapshots, 'density', ['a'])
    const pixels = rasterize(grid, { width: 3, height: 1, min: 0, max: 0.6, removed })
    const [r] = unpackRgb(pixels[2]!)
    const [aliveR] = viridis(0.3 / 0.6)
    // Half of the bin is removed: the colour sits halfway between the alive colour and the removed one.
    expect(Math.abs(r - (aliveR + removed[0]) / 2)).toBeLessThanOrEqual(1)
    expect(pixels[0]).toBe(viridisTable[Math.round(((0.2 + 0.4) / 2 / 0.6) * 255)])
  })

  it('stretches a small grid over a large canvas by repeating cells', () => {
    const grid = channelGrid(snapshots, 'density', [])
    const pixels = rasterize(grid, { width: 30, height: 50, min: 0, max: 0.6, removed })
    expect(pixels[0]).toBe(pixels[9 * 30 + 9])
    expect(pixels[0]).not.toBe(pixels[10 * 30])
  })

  it('colours each layer against its own largest value when asked', () => {
    const grid = channelGrid(snapshots, 'density', [])
    expect(grid.bandMax).toEqual([0.4, 0.6])
    // With this few cells the 98th percentile is the largest value's histogram bin.
    expect(grid.bandScaleTop[0]).toBeCloseTo(0.4, 6)
    expect(grid.bandScaleTop[1]).toBeCloseTo(0.6, 6)
    const shared = rasterize(grid, { width: 3, height: 5, min: 0, max: 0.6, removed })
    const perLayer = rasterize(grid, { width: 3, height: 5, min: 0, max: 0.6, removed, perLayer: true })
    // Layer a's 0.4 is the top of its own scale, and only a third of the way down the shared one.
    expect(perLayer[1 * 3 + 0]).toBe(viridisTable[255])
    expect(shared[1 * 3 + 0]).toBe(viridisTable[Math.round((0.4 / 0.6) * 255)])
    // Layer b holds the overall maximum, so both scales agree there.
    expect(perLayer[4 * 3 + 2]).toBe(shared[4 * 3 + 2])
  })

  it('tops the colour scale at the 98th percentile so outliers do not wash out the rest', () => {
    const values = Array.from({ length: 100 }, (_, c) => (c < 98 ? 0.1 + c / 1000 : 0.9))
    const grid = channelGrid([snapshot(1, values, [0.5])], 'density', ['a'])
    expect(grid.maxAlive).toBeCloseTo(0.9)
    expect(grid.scaleTop).toBeGreaterThan(0.19)
    expect(grid.scaleTop).toBeLessThan(0.2)
  })

  it('packs colours in ImageData byte order', () => {
    const bytes = new Uint8Array(new Uint32Array([packRgb(1, 2, 3)]).buffer)
    expect(Array.from(bytes)).toEqual([1, 2, 3, 255])
  })
})
