import { describe, expect, it } from 'vitest'
import type { LayerSnapshot } from '../../src/shared/api'
import { channelGrid, type ChannelGrid } from '../../src/renderer/charts/heatmap/channelGrid'
import { ChannelGridBuilder } from '../../src/renderer/charts/heatmap/gridBuilder'
import { rasterize } from '../../src/renderer/charts/heatmap/rasterize'

// Two layers, channels dying one by one over 40 snapshots (a seeded walk, so every cell differs).
function snapshots(count: number, from = 0): LayerSnapshot[] {
  return Array.from({ length: count }, (_, i) => {
    const k = from + i
    const layer = (group: string, width: number) => {
      const density = Array.from({ length: width }, (_, c) => ((k * 7 + c * 13) % 97) / 97)
      const alive = density.map((_, c) => (c < width - Math.floor(k / 8) ? 1 : 0))
      return { group, density, umm: density.map((d) => d * 3), alive }
    }
    return { step: (k + 1) * 100, densities: [], layers: [layer('conv1', 6), layer('conv2', 9)] }
  })
}

/** Every visible cell of a grid, row by row (whatever its stride). */
function cells(grid: ChannelGrid): number[][] {
  return Array.from({ length: grid.channels }, (_, row) => [
    ...grid.values.subarray(row * grid.stride, row * grid.stride + grid.snapshots),
    ...grid.alive.subarray(row * grid.stride, row * grid.stride + grid.snapshots),
  ])
}

function sameAsRebuilt(grid: ChannelGrid, all: readonly LayerSnapshot[], metric: 'density' | 'umm') {
  const fresh = channelGrid(all, metric, [])
  expect(grid.snapshots).toBe(fresh.snapshots)
  expect(grid.steps).toEqual(fresh.steps)
  expect(cells(grid)).toEqual(cells(fresh))
  expect(grid.bandMax).toEqual(fresh.bandMax)
  expect(grid.scaleTop).toBe(fresh.scaleTop)
  expect(grid.bandScaleTop).toEqual(fresh.bandScaleTop)
  // The picture too: spare columns must never show.
  const options = { width: 23, height: 11, min: 0, max: 1, removed: [200, 0, 0] as const }
  expect(rasterize(grid, options)).toEqual(rasterize(fresh, options))
}

describe('heatmap grid builder', () => {
  it('appends live snapshots as columns, equal to a rebuild, growing its buffers when full', () => {
    const all = snapshots(40)
    const live: LayerSnapshot[] = all.slice(0, 5)
    const builder = new ChannelGridBuilder()
    let grid = builder.update(live, 'density', [], 'original')
    expect(builder.lastChange).toBe('rebuilt')
    const firstBuffer = grid.values
    for (const next of all.slice(5)) {
      live.push(next) // the feed's array grows in place
      const before = grid
      grid = builder.update(live, 'density', [], 'original')
      expect(builder.lastChange).toBe('appended')
      // The grid shown before still reads only its own columns.
      expect(before.snapshots).toBe(live.length - 1)
      sameAsRebuilt(grid, live, 'density')
    }
    // 16 spare columns at first, then twice as wide: the buffers were replaced on the way to 40.
    expect(grid.values).not.toBe(firstBuffer)
    expect(grid.stride).toBeGreaterThanOrEqual(40)
  })

  it('returns the same grid when nothing changed, and rebuilds for older steps, another metric or layer', () => {
    const all = snapshots(12)
    const builder = new ChannelGridBuilder()
    const grid = builder.update(all.slice(6), 'umm', [], 'original')
    expect(builder.update(all.slice(6), 'umm', [], 'original')).toBe(grid)
    expect(builder.lastChange).toBe('unchanged')
    // History pages arrive newest first: older steps go in front, which is a rebuild.
    sameAsRebuilt(builder.update(all, 'umm', [], 'original'), all, 'umm')
    expect(builder.lastChange).toBe('rebuilt')
    builder.update(all, 'density', [], 'original')
    expect(builder.lastChange).toBe('rebuilt')
    const one = builder.update(all, 'density', ['conv2'], 'original')
    expect(builder.lastChange).toBe('rebuilt')
    expect(one.channels).toBe(9)
  })

  it('keeps the removal order on appended grids', () => {
    const all = snapshots(30)
    const builder = new ChannelGridBuilder()
    builder.update(all.slice(0, 20), 'density', [], 'removal')
    const grid = builder.update(all, 'density', [], 'removal')
    expect(builder.lastChange).toBe('appended')
    const fresh = channelGrid(all, 'density', [], 'removal')
    expect(cells(grid)).toEqual(cells(fresh))
    expect(Array.from(grid.channelOfRow)).toEqual(Array.from(fresh.channelOfRow))
  })

  it('rebuilds when a new snapshot brings a layer the grid has no rows for', () => {
    const builder = new ChannelGridBuilder()
    const first = snapshots(3)
    builder.update(first, 'density', [], 'original')
    const extra = snapshots(1, 3)[0]!
    const wider = {
      ...extra,
      layers: [...extra.layers, { group: 'fc', density: [0.5], umm: [1], alive: [1] }],
    }
    const grid = builder.update([...first, wider], 'density', [], 'original')
    expect(builder.lastChange).toBe('rebuilt')
    expect(grid.bands.map((b) => b.group)).toEqual(['conv1', 'conv2', 'fc'])
  })
})
