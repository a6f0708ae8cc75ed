/** One request for a slice of a run's layer snapshots. */
export interface SnapshotPage {
  readonly fromStep: number
  /** Absent on the newest page: it reaches whatever the run has stored by the time it is read. */
  readonly toStep?: number
  readonly maxSnapshots: number
}

/**
 * Splits a run's snapshot history (steps 0..lastStep) into pages of at most `perPage` snapshots that
 * together keep about `columns` of them, newest first: the heatmap fills from the right, and no single
 * answer is big enough to hold the host up.
 */
export function snapshotPages(lastStep: number, columns: number, perPage: number): SnapshotPage[] {
  if (!(lastStep >= 0) || columns < 1 || perPage < 1) return []
  const pageCount = Math.max(1, Math.ceil(columns / perPage))
  const span = Math.max(1, Math.ceil((lastStep + 1) / pageCount))
  const pages: SnapshotPage[] = []
  for (let end = lastStep; end >= 0; end -= span) {
    const fromStep = Math.max(0, end - span + 1)
    pages.push(
      end === lastStep
        ? { fromStep, maxSnapshots: perPage }
        : { fromStep, toStep: end, maxSnapshots: perPage },
    )
  }
  return pages
}
