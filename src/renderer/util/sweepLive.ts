import type { PushEvent, SweepCellRecord, SweepDetail } from '../../shared/api'

/** Statuses whose run still moves: the sweep page follows their progress. */
export const activeRunStatuses: ReadonlySet<string> = new Set(['queued', 'running', 'paused'])

/** A cell whose run was deleted on its own, as `sweeps.get` returns it. */
const deletedCell = (cell: SweepCellRecord): SweepCellRecord => ({
  ...cell,
  runId: null,
  status: null,
  step: null,
  totalSteps: null,
  result: null,
  slurm: null,
})

function countsOf(cells: readonly SweepCellRecord[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const cell of cells) counts[cell.status ?? 'deleted'] = (counts[cell.status ?? 'deleted'] ?? 0) + 1
  return counts
}

function patchRun(
  sweep: SweepDetail,
  runId: string,
  patch: (cell: SweepCellRecord) => SweepCellRecord,
): SweepDetail {
  const cellRecords = sweep.cellRecords.map((cell) => (cell.runId === runId ? patch(cell) : cell))
  if (cellRecords.every((cell, i) => cell === sweep.cellRecords[i])) return sweep
  return { ...sweep, cellRecords, counts: countsOf(cellRecords) }
}

/**
 * The sweep as it is after a pushed event: a run's status, progress or result changed, or it was deleted.
 * Returns the same object when the event concerns none of its runs, so a caller can skip re-rendering.
 */
export function applySweepEvent(sweep: SweepDetail, event: PushEvent): SweepDetail {
  switch (event.type) {
    case 'runChanged': {
      const { run } = event
      return patchRun(sweep, run.id, (cell) => ({
        ...cell,
        status: run.status,
        step: run.progress?.step ?? cell.step,
        totalSteps: run.progress?.totalSteps ?? cell.totalSteps,
        result: run.result,
      }))
    }
    case 'runDeleted':
      return patchRun(sweep, event.runId, deletedCell)
    case 'runMessage': {
      const { message } = event
      if (message.type !== 'progress') return sweep
      return patchRun(sweep, event.runId, (cell) =>
        cell.step === message.step && cell.totalSteps === message.totalSteps
          ? cell
          : { ...cell, step: message.step, totalSteps: message.totalSteps },
      )
    }
    default:
      return sweep
  }
}

/** The runs of the sweep whose progress is worth following live. */
export function activeRunIds(sweep: SweepDetail): string[] {
  return sweep.cellRecords
    .filter((cell) => cell.runId && cell.status && activeRunStatuses.has(cell.status))
    .map((cell) => cell.runId!)
}
