/**
 * Incremental heatmap (issue #20): a live snapshot appended as a column by `ChannelGridBuilder` against
 * rebuilding the grid from every snapshot (what each live refresh did before), at the paper's 4,992
 * channels in 15 layers, with 109 and 761 snapshots already shown: `npm run bench -- heatmapAppend`.
 * Grid building only (pure TypeScript, run in Node); the raster is measured by `bench/heatmap.ts`.
 */
import { channelGrid } from '../src/renderer/charts/heatmap/channelGrid'
import { ChannelGridBuilder } from '../src/renderer/charts/heatmap/gridBuilder'
import { syntheticSnapshots } from '../src/renderer/bench/syntheticSnapshots'

const appends = 20

for (const shown of [109, 761]) {
  const all = syntheticSnapshots(undefined, shown + appends)
  const live = all.slice(0, shown)
  const builder = new ChannelGridBuilder()
  builder.update(live, 'density', [], 'original')
  const appendMs: number[] = []
  const rebuildMs: number[] = []
  for (const next of all.slice(shown)) {
    live.push(next)
    let started = performance.now()
    const grid = builder.update(live, 'density', [], 'original')
    appendMs.push(performance.now() - started)
    if (builder.lastChange !== 'appended') throw new Error(`expected an append, got ${builder.lastChange}`)
    started = performance.now()
    const fresh = channelGrid(live, 'density', [])
    rebuildMs.push(performance.now() - started)
    if (fresh.scaleTop !== grid.scaleTop || fresh.snapshots !== grid.snapshots)
      throw new Error('the appended grid differs from the rebuilt one')
  }
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const a = median(appendMs)
  const r = median(rebuildMs)
  console.log(
    `${shown} snapshots shown, 4,992 channels: append ${a.toFixed(1)} ms, rebuild ${r.toFixed(1)} ms ` +
      `(median of ${appends}); append / rebuild = ${(a / r).toFixed(3)}`,
  )
}
