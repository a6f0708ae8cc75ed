import { uptime } from 'node:os'
import type { RunStatus, RunSummary } from '../../shared/api/runRecords'
import type { HostLogger } from './logger'
import type { RunStore } from './runStore'

/** Runs some supervisor in this very process owns (several hosts can share a process in tests and Electron). */
const supervisedHere = new Set<string>()

export function markSupervised(runId: string): void {
  supervisedHere.add(runId)
}

export function unmarkSupervised(runId: string): void {
  supervisedHere.delete(runId)
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface SweepOptions {
  readonly isAlive?: (pid: number) => boolean
  readonly now?: number
  /** When the machine booted (ms): a heartbeat older than that comes from a host that cannot be alive. */
  readonly bootedAt?: number
  readonly ownPid?: number
  readonly logger?: HostLogger
  /** A running host sweeping: benchmarks this process started are live (at start-up, none can be). */
  readonly ownBenchmarksLive?: boolean
  /** Called for each run the sweep marked interrupted (so live clients hear of it). */
  readonly onSwept?: (run: RunSummary, previous: RunStatus) => void
}

/**
 * Start-up and liveness sweep (every host start, a CLI `runs list` too, and every few seconds in each
 * running host, so a peer that died is noticed everywhere without a restart): a run left queued, running or paused by a host
 * process that is gone is marked `interrupted`, so it can be resumed from its last checkpoint. A host is
 * gone when its recorded pid is dead, when its heartbeat predates the last boot (the pid was reused), or
 * when the pid is ours but no supervisor here owns the run (a previous process with the same pid).
 */
export function sweepDeadRuns(store: RunStore, options: SweepOptions = {}): RunSummary[] {
  const isAlive = options.isAlive ?? isProcessAlive
  const now = options.now ?? Date.now()
  const bootedAt = options.bootedAt ?? now - uptime() * 1000
  const ownPid = options.ownPid ?? process.pid
  const swept: RunSummary[] = []
  for (const row of store.activeRows()) {
    // A Slurm run lives in its job, not in a host process: the Slurm executor follows it on any host start.
    if (store.remoteRuns.get(row.id)) continue
    const hostPid = row.host_pid
    const hostGone =
      hostPid === null ||
      (hostPid === ownPid ? !supervisedHere.has(row.id) : !isAlive(hostPid)) ||
      (row.heartbeat_at !== null && row.heartbeat_at < bootedAt)
    if (!hostGone) continue
    const where =
      row.last_checkpoint_step === null ? 'from the start' : `from step ${row.last_checkpoint_step}`
    const changed = store.setStatus(row.id, 'interrupted', {
      onlyFrom: ['queued', 'running', 'paused'],
      failure: {
        reason: 'host-exited',
        message: `The workbench process (pid ${hostPid ?? 'unknown'}) that ran this run is gone; resume continues it ${where}`,
        exitCode: null,
        signal: null,
      },
    })
    if (changed) {
      swept.push(changed.run)
      options.onSwept?.(changed.run, changed.previous)
      options.logger?.warn(
        `run ${row.id} was left ${row.status} by a process that is gone: marked interrupted`,
      )
    }
  }
  store.benchmarks.failOrphans(
    (pid) => (pid === ownPid ? (options.ownBenchmarksLive ?? false) : isAlive(pid)),
    'the workbench process that ran this benchmark is gone',
  )
  return swept
}
