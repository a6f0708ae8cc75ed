import { join } from 'node:path'
import type { SweepCellRecord, SweepDetail, SweepSummary } from '../../shared/api/sweepRecords'
import type { RunSummary } from '../../shared/api/runRecords'
import { ConfigError } from '../../shared/config/configIssues'
import { cellLabel, expandSweep, type SweepProblem } from '../../shared/sweep/expandSweep'
import { SlurmSettings, type SweepSpec } from '../../shared/sweep/sweepSpec'
import { asRunId } from './brands'
import { ConflictError } from './hostErrors'
import { isEnded, resumableStatuses } from './runLifecycle'
import type { RunStore } from './runStore'
import type { SlurmExecutor } from './slurm/slurmExecutor'
import type { Supervisor } from './supervisor'

export interface SweepPreview {
  readonly ok: boolean
  readonly cells: number
  readonly totalSteps: number
  readonly estimatedSeconds: number | null
  readonly problems: Omit<SweepProblem, 'values'>[]
}

const problemIssues = (problems: readonly SweepProblem[]) =>
  problems.map((p) => ({
    path: p.cell === null ? p.path : `cell ${p.cell} (${cellLabel(p.values)}): ${p.path}`,
    message: p.message,
  }))

/**
 * Sweeps on top of the store, the supervisor and the executors: expands and validates the grid before
 * anything starts, creates one run per cell, hands them to `local` (the queue) or `slurm` (a job array),
 * and applies stop/resume/delete to the whole sweep or one cell.
 */
export class SweepService {
  constructor(
    private readonly store: RunStore,
    private readonly supervisor: Supervisor,
    private readonly slurm: SlurmExecutor,
  ) {}

  preview(spec: SweepSpec): SweepPreview {
    const expansion = expandSweep(spec.base, spec.axes, spec.combine)
    if (!expansion.ok) {
      return {
        ok: false,
        cells: 0,
        totalSteps: 0,
        estimatedSeconds: null,
        problems: expansion.problems.map(({ values: _values, ...p }) => p),
      }
    }
    const perStep = this.secondsPerStep(spec)
    // Local runs share `concurrency` slots; Slurm runs all cells side by side once the cluster has room.
    const lanes = spec.executor === 'slurm' ? expansion.cells.length : this.supervisor.concurrency
    const longest = Math.max(...expansion.cells.map((c) => c.totalSteps))
    return {
      ok: true,
      cells: expansion.cells.length,
      totalSteps: expansion.totalSteps,
      estimatedSeconds:
        perStep === null ? null : Math.max(longest, expansion.totalSteps / Math.max(1, lanes)) * perStep,
      problems: [],
    }
  }

  /** Validates every cell, then creates the runs and starts them on the sweep's executor. */
  create(spec: SweepSpec): SweepDetail {
    const expansion = expandSweep(spec.base, spec.axes, spec.combine)
    if (!expansion.ok) throw new ConfigError(problemIssues(expansion.problems), 'The sweep cannot start')
    const settings = SlurmSettings.parse(spec.slurm ?? {})
    if (spec.executor === 'slurm') this.slurm.apiUrlFor(settings)
    const name = spec.name?.trim() || `${spec.base.name ?? spec.base.preset ?? spec.base.model.arch} sweep`
    const sweepId = this.store.db.transaction(() => {
      const cells = expansion.cells.map((cell) => {
        const run = this.supervisor.prepare({
          config: cell.config,
          name: `${name} · ${cellLabel(cell.values)}`,
          experiment: name,
        })
        if (spec.executor === 'slurm') this.store.remoteRuns.register(run.id, settings)
        return { index: cell.index, values: cell.values, runId: run.id }
      })
      return { id: this.store.sweeps.insert(spec, name, cells), cells }
    })()
    if (spec.executor === 'local') {
      for (const cell of sweepId.cells) this.supervisor.enqueueStored(cell.runId)
    } else {
      const workDir = join(this.store.paths.dataDir, 'sweeps', sweepId.id)
      void this.slurm.submit(
        sweepId.cells.map((c) => ({ runId: c.runId })),
        settings,
        `chase-${sweepId.id}`,
        workDir,
      )
    }
    return this.detail(sweepId.id)
  }

  list(): SweepSummary[] {
    return this.store.sweeps.list().map((sweep) => this.summaryOf(sweep.id))
  }

  detail(sweepId: string): SweepDetail {
    const summary = this.summaryOf(sweepId)
    return { ...summary, cellRecords: this.cellRecords(sweepId) }
  }

  /** Stops every active run of the sweep (or the one cell's); ended runs are left as they are. */
  stop(sweepId: string, cell?: number): SweepDetail {
    for (const run of this.runsOf(sweepId, cell)) {
      if (!isEnded(run.status) && this.supervisor.isActiveHere(run.id)) this.supervisor.stop(run.id)
    }
    return this.detail(sweepId)
  }

  /** Resumes every stopped, interrupted or failed run of the sweep (or the one cell's) from its checkpoint. */
  resume(sweepId: string, cell?: number): SweepDetail {
    const runs = this.runsOf(sweepId, cell).filter((run) => resumableStatuses.includes(run.status))
    if (cell !== undefined && runs.length === 0)
      throw new ConflictError(
        `Cell ${cell} of ${sweepId} has nothing to resume: its run is not stopped, interrupted or failed`,
      )
    for (const run of runs) this.supervisor.resume(run.id)
    return this.detail(sweepId)
  }

  /** Deletes the sweep and its runs (or one cell's run); active runs must be stopped first. */
  delete(sweepId: string, cell?: number): string[] {
    const runs = this.runsOf(sweepId, cell)
    const active = runs.filter((run) => this.supervisor.isActiveHere(run.id) || !isEnded(run.status))
    if (active.length > 0)
      throw new ConflictError(
        `${active.length} run(s) of ${sweepId} are still ${active[0]!.status}: stop the sweep before deleting it`,
      )
    for (const run of runs) this.supervisor.delete(run.id)
    if (cell === undefined) this.store.sweeps.delete(sweepId)
    return runs.map((run) => run.id)
  }

  private runsOf(sweepId: string, cell?: number): RunSummary[] {
    this.store.sweeps.require(sweepId)
    const cells = this.store.sweeps.cells(sweepId)
    if (cell !== undefined && !cells.some((c) => c.index === cell))
      throw new ConflictError(`${sweepId} has no cell ${cell}: its cells are 0 to ${cells.length - 1}`)
    return cells
      .filter((c) => (cell === undefined || c.index === cell) && c.runId !== null)
      .map((c) => this.store.getSummary(c.runId!))
      .filter((run): run is RunSummary => run !== undefined)
  }

  private summaryOf(sweepId: string): SweepSummary {
    const sweep = this.store.sweeps.require(sweepId)
    const counts: Record<string, number> = {}
    const cells = this.store.sweeps.cells(sweepId)
    for (const cell of cells) {
      const status = cell.runId ? (this.store.getSummary(cell.runId)?.status ?? 'deleted') : 'deleted'
      counts[status] = (counts[status] ?? 0) + 1
    }
    return {
      id: sweep.id as SweepSummary['id'],
      name: sweep.name,
      executor: sweep.spec.executor,
      combine: sweep.spec.combine,
      axes: sweep.spec.axes,
      createdAt: sweep.createdAt,
      cells: cells.length,
      counts,
    }
  }

  private cellRecords(sweepId: string): SweepCellRecord[] {
    return this.store.sweeps.cells(sweepId).map((cell) => {
      const run = cell.runId ? this.store.getSummary(cell.runId) : undefined
      const remote = cell.runId ? this.store.remoteRuns.get(cell.runId) : undefined
      return {
        index: cell.index,
        values: cell.values,
        runId: run ? asRunId(run.id) : null,
        status: run?.status ?? null,
        step: run?.progress?.step ?? null,
        totalSteps: run?.progress?.totalSteps ?? null,
        result: run?.result ?? null,
        slurm:
          remote && remote.jobId
            ? {
                jobId: remote.jobId,
                state: remote.jobState ?? 'PENDING',
                reason: remote.jobReason,
                submissions: remote.submissions,
              }
            : null,
      }
    })
  }

  /** Seconds per training step of this model and batch size, from the newest completed runs in the store. */
  private secondsPerStep(spec: SweepSpec): number | null {
    const rows = this.store.db
      .prepare(
        `SELECT config_json, progress_json, result_json FROM runs
         WHERE status = 'completed' AND result_json IS NOT NULL AND progress_json IS NOT NULL
         ORDER BY finished_at DESC LIMIT 200`,
      )
      .all() as { config_json: string; progress_json: string; result_json: string }[]
    const { arch, widthMultiplier } = spec.base.model
    const samples = rows
      .map((row) => ({
        config: JSON.parse(row.config_json) as SweepSpec['base'],
        steps: (JSON.parse(row.progress_json) as { totalSteps: number }).totalSteps,
        seconds: (JSON.parse(row.result_json) as { durationSeconds: number }).durationSeconds,
      }))
      .filter(
        (r) =>
          r.config.model.arch === arch &&
          r.config.model.widthMultiplier === widthMultiplier &&
          r.config.data.dataset === spec.base.data.dataset &&
          r.config.optim.batchSize === spec.base.optim.batchSize &&
          r.steps > 0,
      )
      .slice(0, 10)
    if (samples.length === 0) return null
    return samples.reduce((a, r) => a + r.seconds / r.steps, 0) / samples.length
  }
}
