/** One request for a slice of a run's layer snapshots. */
export interface SnapshotPage {
  readonly fromStep: number
  /** Absent on the newest page: it reaches whatever the run has stored by the time it is read. */
  readonly toStep?: number
  readonly maxSnapshots: number
}

/**
 * Walks a run's snapshot history (steps 0..lastStep) backwards, newest first, in pages of about
 * `perPage` snapshots: each page's step span adapts to how many the last one held, so an answer stays
 * small (the host serves it in a few ms) whatever the snapshot interval. No span is shorter than
 * `columns` pages need to cover the run, so the heatmap gets at most about `columns` snapshots.
 */
export class SnapshotPager {
  private end: number | null
  private lastPage: { end: number; open: boolean } | null = null
  private span: number
  private readonly minSpan: number
  private first = true

  constructor(
    private readonly lastStep: number,
    columns: number,
    private readonly perPage: number,
  ) {
    const valid = lastStep >= 0 && columns >= 1 && perPage >= 1
    this.end = valid ? lastStep : null
    this.minSpan = valid ? Math.max(1, Math.ceil(((lastStep + 1) * perPage) / columns)) : 1
    // First guess: a snapshot every 1 % of the run (the default interval).
    this.span = Math.max(this.minSpan, Math.ceil(((lastStep + 1) * perPage) / 100))
  }

  next(): SnapshotPage | null {
    if (this.end === null) return null
    const fromStep = Math.max(0, this.end - this.span + 1)
    this.lastPage = { end: this.end, open: this.first }
    const page = this.first
      ? { fromStep, maxSnapshots: this.perPage }
      : { fromStep, toStep: this.end, maxSnapshots: this.perPage }
    this.first = false
    this.end = fromStep === 0 ? null : fromStep - 1
    return page
  }

  /**
   * How many snapshots the last page returned, and how many the host held in its range before thinning
   * it to `maxSnapshots`. A thinned page is read again, narrower, while spans may shrink; otherwise the
   * next span is sized from the range's density to hold about `perPage`.
   */
  record(count: number, inRange = count): void {
    const scaled = inRange > 0 ? Math.floor((this.span * this.perPage) / inRange) : this.span * 2
    if (inRange > count && this.span > this.minSpan && this.lastPage) {
      this.span = Math.max(this.minSpan, Math.min(scaled, this.span - 1))
      this.end = this.lastPage.end
      this.first = this.lastPage.open
      return
    }
    this.span = Math.max(this.minSpan, Math.min(scaled, this.lastStep + 1))
  }
}
