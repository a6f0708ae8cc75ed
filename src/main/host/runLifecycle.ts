import type { RunStatus } from '../../shared/api/runRecords'

/** `queued → running ⇄ paused → completed | failed | cancelled | interrupted`; ended runs may be queued again. */
const next: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'cancelled', 'interrupted', 'failed'],
  running: ['paused', 'completed', 'failed', 'cancelled', 'interrupted'],
  // A trainer may finish or fail while a pause is in flight.
  paused: ['running', 'completed', 'failed', 'cancelled', 'interrupted'],
  completed: [],
  failed: ['queued'],
  cancelled: ['queued'],
  interrupted: ['queued'],
}

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return next[from].includes(to)
}

export const activeStatuses: readonly RunStatus[] = ['queued', 'running', 'paused']
export const resumableStatuses: readonly RunStatus[] = ['failed', 'cancelled', 'interrupted']

export function isEnded(status: RunStatus): boolean {
  return !activeStatuses.includes(status)
}
