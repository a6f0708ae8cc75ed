import type { SnapshotView } from '../../../shared/api/packedSnapshots'
import {
  emptyGrid,
  layerBands,
  orderRowsByRemoval,
  writeColumns,
  type ChannelGrid,
  type ChannelMetric,
  type RowOrder,
} from './channelGrid'

/** How the last `update` made its grid. */
export type GridChange = 'unchanged' | 'appended' | 'rebuilt'

/**
 * Keeps one heatmap's grid across live refreshes: snapshots that only add newer steps become new columns
 * (written into spare columns, nothing before them is read again); anything else (another metric or
 * layer, history pages inserting older steps, a layer that grew) rebuilds the grid.
 *
 *   const builder = new ChannelGridBuilder()
 *   grid = builder.update(snapshots, 'density', [], 'original')   // on every refresh
 */
export class ChannelGridBuilder {
  /** The grid in original row order, with spare columns. */
  private base: ChannelGrid | null = null
  private key = ''
  private shown: ChannelGrid | null = null
  private shownOrder: RowOrder = 'original'
  /** What the last `update` did (tests and the page's timing read it). */
  lastChange: GridChange = 'rebuilt'

  update(
    snapshots: readonly SnapshotView[],
    metric: ChannelMetric,
    groups: readonly string[],
    order: RowOrder,
  ): ChannelGrid {
    const slices = this.updateInSlices(snapshots, metric, groups, order, Number.MAX_SAFE_INTEGER)
    for (;;) {
      const next = slices.next()
      if (next.done) return next.value
    }
  }

  /**
   * The same as `update`, in slices of at most `columnsPerSlice` columns: the generator yields between
   * slices (the caller lets the page breathe) and returns the grid. An append is one slice.
   */
  *updateInSlices(
    snapshots: readonly SnapshotView[],
    metric: ChannelMetric,
    groups: readonly string[],
    order: RowOrder,
    columnsPerSlice: number,
  ): Generator<void, ChannelGrid> {
    const key = `${metric}\u0000${groups.join('\u0000')}`
    const base = this.base
    if (base && key === this.key && extendsGrid(base, snapshots, groups)) {
      const added = snapshots.length - base.snapshots
      if (added === 0 && this.shown && this.shownOrder === order) {
        this.lastChange = 'unchanged'
        return this.shown
      }
      this.base = added > 0 ? writeColumns(base, snapshots.slice(base.snapshots), metric) : base
      this.lastChange = added > 0 ? 'appended' : 'unchanged'
    } else {
      // Room for as many again: a live run appends for a while before the buffers grow.
      let grid = emptyGrid(snapshots, groups, Math.max(16, snapshots.length * 2))
      for (let from = 0; from < snapshots.length || from === 0; from += columnsPerSlice) {
        if (from > 0) yield
        grid = writeColumns(grid, snapshots.slice(from, from + columnsPerSlice), metric)
      }
      this.base = grid
      this.key = key
      this.lastChange = 'rebuilt'
    }
    this.shownOrder = order
    this.shown = order === 'removal' ? orderRowsByRemoval(this.base) : this.base
    return this.shown
  }
}

/** True when `snapshots` are the grid's columns followed by newer ones whose layers fit its bands. */
function extendsGrid(
  grid: ChannelGrid,
  snapshots: readonly SnapshotView[],
  groups: readonly string[],
): boolean {
  if (snapshots.length < grid.snapshots) return false
  for (let i = 0; i < grid.snapshots; i++) if (snapshots[i]!.step !== grid.steps[i]) return false
  const added = snapshots.slice(grid.snapshots)
  if (added.length === 0) return true
  if (added[0]!.step <= (grid.steps.at(-1) ?? -Infinity)) return false
  const bands = layerBands(added, groups)
  return bands.every((band) => {
    const known = grid.bands.find((b) => b.group === band.group)
    return known !== undefined && band.channels <= known.channels
  })
}
