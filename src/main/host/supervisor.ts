import { existsSync, mkdirSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import type { BenchRecord } from '../../shared/api/benchRecords'
import type { RunFailure, RunStatus, RunSummary } from '../../shared/api/runRecords'
import type { BenchRequest } from '../../shared/protocol/trainerMessages'
import { runBenchSession } from './benchSession'
import { EventHub } from './eventHub'
import { ConflictError } from './hostErrors'
import { IngestFlusher, type FlusherOptions } from './ingestFlusher'
import { silentLogger, type HostLogger } from './logger'
import { isEnded, resumableStatuses } from './runLifecycle'
import { newBenchId } from './runIds'
import type { NewRun, RunStore } from './runStore'
import { markSupervised, sweepDeadRuns, unmarkSupervised } from './staleRunSweep'
import type { TrainerLauncher, TrainerProcess } from './trainerLauncher'
import { TrainerSession, type SessionContext } from './trainerSession'
import { asRunId } from './brands'
import { checkpointOnDisk, removeStaleTemporaries } from './checkpointOnDisk'
import { DiskReserve } from './diskReserve'
import { checkMemoryFits } from './memoryCheck'
import { isDiskFull, StoreError } from './storeErrors'

export interface SupervisorOptions {
  readonly store: RunStore
  readonly launcher: TrainerLauncher
  readonly hub?: EventHub
  readonly logger?: HostLogger
  /** Runs training at once (a paused run still holds its slot: its process and memory stay). */
  readonly concurrency?: number
  readonly flush?: FlusherOptions
  readonly readyTimeoutMs?: number
  /** Bounded wait for a stopping trainer to checkpoint and exit before it is killed. */
  readonly stopGraceMs?: number
  readonly maxInvalidMessages?: number
  readonly heartbeatIntervalMs?: number
  /** How often this host looks for runs whose owning process died (another workbench on the same file). */
  readonly livenessIntervalMs?: number
  /** A file given back to the disk when the store is full, so final statuses can still be written. */
  readonly reservePath?: string
  /** Library versions recorded on each new run. */
  readonly versions?: Readonly<Record<string, string>>
  /** RAM a run may need at most (default: this machine's); a run estimated above it is refused. */
  readonly memoryBytes?: number
}

/** An executor that runs trainers elsewhere (Slurm): the supervisor keeps their sessions, it keeps the jobs. */
export interface RemoteExecutor {
  owns(runId: string): boolean
  /** A new job for the run, from `resumeFrom` when given. */
  resubmit(runId: string, resumeFrom: string | undefined): void
  /** Host shutdown: forget the sessions, leave the jobs running (the next host follows them). */
  detachAll(): void
  /** The session that followed `process` ended (a newer one may already follow the run). */
  sessionEnded(runId: string, process: TrainerProcess): void
}

/** A remote trainer may wait in a cluster's queue for days before it says ready. */
const remoteReadyTimeoutMs = 7 * 24 * 3600_000

interface QueuedRun {
  readonly runId: string
  readonly resumeFrom?: string
}

/**
 * The queue and the lifecycle of runs in this host process: one trainer process per run, at most
 * `concurrency` at once; `queued → running ⇄ paused → completed | failed | cancelled | interrupted`.
 */
export class Supervisor {
  readonly store: RunStore
  readonly hub: EventHub
  readonly logger: HostLogger
  readonly flusher: IngestFlusher
  private readonly queue: QueuedRun[] = []
  private readonly sessions = new Map<string, TrainerSession>()
  /** Runs on a remote executor: they hold no local slot. */
  private readonly remoteSessions = new Map<string, TrainerSession>()
  private remote: RemoteExecutor | undefined
  private readonly benches = new Map<string, Promise<BenchRecord>>()
  private readonly context: SessionContext
  private readonly stopGraceMs: number
  private concurrencyLimit: number
  private heartbeat: NodeJS.Timeout | undefined
  private liveness: NodeJS.Timeout | undefined
  private closing = false
  /** Status changes the store refused (disk full): written as soon as it accepts writes again. */
  private readonly pendingStatus = new Map<
    string,
    { status: RunStatus; failure?: RunFailure | null; pid?: number | null }
  >()
  /** Runs stopped because the store is full: they end `failed` with that reason, not `interrupted`. */
  private readonly stoppedForStore = new Map<string, RunFailure>()
  private readonly reserve: DiskReserve | undefined

  constructor(private readonly options: SupervisorOptions) {
    this.store = options.store
    this.hub = options.hub ?? new EventHub()
    this.logger = options.logger ?? silentLogger
    this.concurrencyLimit = options.concurrency ?? 1
    this.stopGraceMs = options.stopGraceMs ?? 30_000
    this.flusher = new IngestFlusher(this.store, this.logger, {
      ...options.flush,
      onStoreError: (error) => {
        options.flush?.onStoreError?.(error)
        if (error) this.storeFailed(error)
        else this.storeRecovered()
      },
    })
    this.reserve = options.reservePath ? new DiskReserve(options.reservePath) : undefined
    this.reserve?.ensure()
    this.context = {
      store: this.store,
      flusher: this.flusher,
      hub: this.hub,
      logger: this.logger,
      launcher: options.launcher,
      hostPid: process.pid,
      readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
      maxInvalidMessages: options.maxInvalidMessages ?? 50,
      exitGraceMs: this.stopGraceMs,
      changeStatus: (runId, status, failure, pid) => this.changeStatus(runId, status, failure, pid),
    }
    this.flusher.start()
    const heartbeatMs = options.heartbeatIntervalMs ?? 5_000
    this.heartbeat = setInterval(() => this.touch(), heartbeatMs)
    this.heartbeat.unref()
    this.liveness = setInterval(() => {
      this.writePendingStatus()
      this.sweepDeadPeers()
    }, options.livenessIntervalMs ?? 2_000)
    this.liveness.unref()
  }

  get concurrency(): number {
    return this.concurrencyLimit
  }

  setConcurrency(concurrency: number): void {
    this.concurrencyLimit = Math.max(1, Math.floor(concurrency))
    this.pump()
  }

  /** Stores a new run as queued and starts it when a slot is free. */
  create(run: NewRun): RunSummary {
    const summary = this.prepare(run)
    this.enqueue({ runId: summary.id })
    return summary
  }

  /** Stores a new run as queued without starting it (a sweep hands it to its executor after). */
  prepare(run: NewRun): RunSummary {
    this.assertOpen()
    const memoryNote = checkMemoryFits(run.config, this.options.memoryBytes)
    if (memoryNote) this.logger.warn(memoryNote)
    const summary = this.store.createRun({
      ...run,
      versions: { ...this.options.versions, ...run.versions },
      hostPid: process.pid,
    })
    this.hub.publish({ type: 'runChanged', run: summary, previousStatus: null })
    return summary
  }

  useRemoteExecutor(remote: RemoteExecutor): void {
    this.remote = remote
  }

  /** Queues a run the store already holds as queued (a sweep's local cells). */
  enqueueStored(runId: string): void {
    this.assertOpen()
    this.enqueue({ runId })
  }

  /** Follows a run whose trainer runs elsewhere, through its executor's `TrainerProcess`. */
  adoptRemote(runId: string, process: TrainerProcess): void {
    const detail = this.store.getDetail(runId)
    if (!detail) return
    const session = new TrainerSession(
      { ...this.context, readyTimeoutMs: remoteReadyTimeoutMs, launcher: { launch: () => process } },
      { runId, config: detail.config, runDir: detail.runDir },
    )
    markSupervised(runId)
    this.remoteSessions.set(runId, session)
    void session.finished.then(() => {
      if (this.remoteSessions.get(runId) === session) this.remoteSessions.delete(runId)
      unmarkSupervised(runId)
      this.remote?.sessionEnded(runId, process)
    })
    session.start()
  }

  pause(runId: string): RunSummary {
    this.sweepUnlessHere(runId)
    const session = this.requireLive(runId, 'pause')
    const status = this.store.requireSummary(runId).status
    if (status !== 'running')
      throw new ConflictError(`Run ${runId} is ${status}; only a running run can be paused`)
    session.pause()
    return this.changeStatus(runId, 'paused') ?? this.store.requireSummary(runId)
  }

  /**
   * A paused run continues. An interrupted, cancelled or failed run is queued again from its newest
   * checkpoint whose file still exists (from the start when there is none, or with `fromStart`: the
   * same config from step 0, for when every checkpoint is damaged).
   */
  resume(runId: string, options: { fromStart?: boolean } = {}): RunSummary {
    this.assertOpen()
    this.sweepUnlessHere(runId)
    const run = this.store.requireSummary(runId)
    if (run.status === 'paused' && !options.fromStart) {
      this.requireLive(runId, 'resume').resume()
      return this.changeStatus(runId, 'running') ?? this.store.requireSummary(runId)
    }
    if (!resumableStatuses.includes(run.status)) {
      throw new ConflictError(
        `Run ${runId} is ${run.status}; only paused, interrupted, cancelled or failed runs can be resumed`,
      )
    }
    const detail = this.store.getDetail(runId)!
    const recorded = options.fromStart
      ? undefined
      : [...detail.checkpoints]
          .reverse()
          .find((c) => existsSync(isAbsolute(c.path) ? c.path : resolve(detail.runDir, c.path)))
    // The file says which step it holds; trust it over the database (see checkpointOnDisk).
    const onDisk = recorded
      ? checkpointOnDisk(isAbsolute(recorded.path) ? recorded.path : resolve(detail.runDir, recorded.path))
      : null
    const checkpoint = onDisk ?? recorded
    this.store.truncateAfter(runId, checkpoint?.step ?? -1)
    if (onDisk && recorded && onDisk.path !== recorded.path) {
      this.logger.warn(
        `run ${runId}: checkpoint ${recorded.path} is damaged; resuming from the previous one, ${onDisk.path} (step ${onDisk.step})`,
      )
    }
    if (onDisk && onDisk.step !== recorded?.step) {
      this.logger.warn(
        `run ${runId}: the checkpoint file holds step ${onDisk.step}, the database said ${recorded?.step}: resuming from the file`,
      )
      this.flusher.addCheckpoint(runId, { type: 'checkpoint', ...onDisk }, Date.now())
      this.flusher.flush()
    }
    const changed = this.store.setStatus(runId, 'queued', {
      hostPid: process.pid,
      onlyFrom: resumableStatuses,
    })
    if (!changed) throw new ConflictError(`Run ${runId} changed state meanwhile; try again`)
    this.hub.publish({ type: 'runChanged', run: changed.run, previousStatus: changed.previous })
    if (this.remote?.owns(runId)) this.remote.resubmit(runId, checkpoint?.path)
    else this.enqueue({ runId, ...(checkpoint ? { resumeFrom: checkpoint.path } : {}) })
    return changed.run
  }

  /** Stops a run at the next step boundary with a checkpoint (cancelled); a queued run is cancelled at once. */
  stop(runId: string): RunSummary {
    const swept = this.sweepUnlessHere(runId)
    // Its owner died just now: the run is over (interrupted), which is what stop asked for.
    if (swept) return swept
    const run = this.summaryOf(runId)
    const queuedAt = this.queue.findIndex((q) => q.runId === runId)
    if (queuedAt >= 0) {
      this.queue.splice(queuedAt, 1)
      unmarkSupervised(runId)
      return this.changeStatus(runId, 'cancelled') ?? this.store.requireSummary(runId)
    }
    const session = this.sessions.get(runId) ?? this.remoteSessions.get(runId)
    if (!session) {
      if (isEnded(run.status)) {
        if (this.pendingStatus.has(runId)) return run
        throw new ConflictError(`Run ${runId} is already ${run.status}`)
      }
      throw new ConflictError(`Run ${runId} is ${run.status} in another workbench process; stop it there`)
    }
    session.stop('user', this.stopGraceMs)
    return this.store.requireSummary(runId)
  }

  /** Deletes a run that is not active here; an active run must be stopped first. */
  delete(runId: string): void {
    this.sweepUnlessHere(runId)
    const run = this.store.requireSummary(runId)
    if (this.isActiveHere(runId)) {
      throw new ConflictError(`Run ${runId} is ${run.status}; stop it before deleting it`)
    }
    if (!isEnded(run.status)) {
      throw new ConflictError(
        `Run ${runId} is ${run.status} in another workbench process; stop it there first`,
      )
    }
    this.flusher.flush()
    this.store.deleteRun(runId)
    this.hub.publish({ type: 'runDeleted', runId: asRunId(runId) })
  }

  /** Resolves when the run reaches an ended status (completed, failed, cancelled, interrupted). */
  waitFor(runId: string): Promise<RunSummary> {
    return new Promise((resolveRun) => {
      const current = this.summaryOf(runId)
      if (isEnded(current.status) && !this.isActiveHere(runId)) {
        resolveRun(current)
        return
      }
      const client = this.hub.connect((event) => {
        if (event.type === 'runChanged' && event.run.id === runId && isEnded(event.run.status)) {
          const session = this.sessions.get(runId) ?? this.remoteSessions.get(runId)
          // Wait for the process to be gone too, so callers can close the store safely.
          void (session?.finished ?? Promise.resolve()).then(() => {
            client.close()
            resolveRun(
              this.pendingStatus.has(runId) ? event.run : (this.store.getSummary(runId) ?? event.run),
            )
          })
        }
      })
    })
  }

  isActiveHere(runId: string): boolean {
    return (
      this.sessions.has(runId) || this.remoteSessions.has(runId) || this.queue.some((q) => q.runId === runId)
    )
  }

  activeRunIds(): string[] {
    return [...this.sessions.keys(), ...this.remoteSessions.keys(), ...this.queue.map((q) => q.runId)]
  }

  /** Starts a benchmark in its own trainer process; resolves the stored record at once (running). */
  startBench(request: BenchRequest, runId?: string): { record: BenchRecord; finished: Promise<BenchRecord> } {
    this.assertOpen()
    const benchId = newBenchId()
    const runDir = runId ? this.store.getDetail(runId)?.runDir : undefined
    const full = runDir ? { ...request, runDir } : request
    const record = this.store.benchmarks.create(benchId, full, runId ?? null, process.pid)
    this.hub.publish({ type: 'benchChanged', bench: record })
    const finished = runBenchSession(this.context, benchId, full, (bench) =>
      this.hub.publish({ type: 'benchChanged', bench }),
    )
    this.benches.set(benchId, finished)
    void finished.finally(() => this.benches.delete(benchId))
    return { record, finished }
  }

  /**
   * Graceful shutdown: queued runs become interrupted, running trainers are asked to stop at a step
   * boundary with a checkpoint, and killed if they take longer than `graceMs`.
   */
  async shutdown(graceMs = this.stopGraceMs): Promise<void> {
    if (this.closing) return
    this.closing = true
    for (const queued of this.queue.splice(0)) {
      unmarkSupervised(queued.runId)
      this.changeStatus(queued.runId, 'interrupted', null)
    }
    // Remote jobs keep running and buffering; the next host start follows them again.
    this.remote?.detachAll()
    for (const runId of this.remoteSessions.keys()) unmarkSupervised(runId)
    this.remoteSessions.clear()
    const sessions = [...this.sessions.values()]
    for (const session of sessions) session.stop('shutdown', graceMs)
    await Promise.all(sessions.map((s) => s.finished))
    clearInterval(this.heartbeat)
    clearInterval(this.liveness)
    this.flusher.stop()
  }

  /** Kills every trainer at once (a second Ctrl-C); their runs become interrupted. */
  killAll(): void {
    for (const session of this.sessions.values()) {
      session.stop('shutdown', 0)
      session.kill()
    }
  }

  private enqueue(run: QueuedRun): void {
    markSupervised(run.runId)
    this.queue.push(run)
    this.pump()
  }

  private pump(): void {
    while (!this.closing && this.sessions.size < this.concurrencyLimit && this.queue.length > 0) {
      const next = this.queue.shift()!
      this.launch(next)
    }
  }

  private launch(next: QueuedRun): void {
    const detail = this.store.getDetail(next.runId)
    if (!detail || detail.status !== 'queued') {
      unmarkSupervised(next.runId)
      return
    }
    try {
      mkdirSync(detail.runDir, { recursive: true })
      const stale = removeStaleTemporaries(detail.runDir)
      if (stale.length)
        this.logger.info(`run ${next.runId}: removed ${stale.join(', ')} left by a killed writer`)
    } catch (error) {
      this.changeStatus(next.runId, 'failed', {
        reason: 'launch-failed',
        message: `Cannot create the run folder ${detail.runDir}: ${(error as Error).message}`,
        exitCode: null,
        signal: null,
      })
      unmarkSupervised(next.runId)
      return
    }
    const session = new TrainerSession(this.context, {
      runId: next.runId,
      config: detail.config,
      runDir: detail.runDir,
      ...(next.resumeFrom ? { resumeFrom: next.resumeFrom } : {}),
    })
    this.sessions.set(next.runId, session)
    void session.finished.then(() => {
      this.sessions.delete(next.runId)
      unmarkSupervised(next.runId)
      this.pump()
    })
    session.start()
  }

  private changeStatus(
    runId: string,
    status: RunStatus,
    failure?: RunFailure | null,
    pid?: number | null,
  ): RunSummary | undefined {
    const storeFailure = this.stoppedForStore.get(runId)
    if (storeFailure && status === 'interrupted') {
      status = 'failed'
      failure = storeFailure
    }
    if (isEnded(status)) this.stoppedForStore.delete(runId)
    // An earlier change still waits for the store: this one queues behind it, in order.
    if (!this.pendingStatus.has(runId)) {
      try {
        const changed = this.store.setStatus(runId, status, {
          ...(failure !== undefined ? { failure } : {}),
          ...(pid !== undefined ? { pid } : {}),
          hostPid: process.pid,
        })
        if (changed)
          this.hub.publish({ type: 'runChanged', run: changed.run, previousStatus: changed.previous })
        return changed?.run
      } catch (error) {
        this.logger.error(`run ${runId}: could not record status ${status}: ${(error as Error).message}`)
        if (!(error instanceof StoreError)) return undefined
      }
    }
    // Kept and written once the store accepts writes; clients and waiters hear of it now.
    const previous = this.summaryOf(runId)
    this.pendingStatus.set(runId, {
      status,
      ...(failure !== undefined ? { failure } : {}),
      ...(pid !== undefined ? { pid } : {}),
    })
    const run = this.summaryOf(runId)
    this.hub.publish({ type: 'runChanged', run, previousStatus: previous.status })
    return run
  }

  /** The run as the store has it, with a status change the store has not taken yet laid over it. */
  private summaryOf(runId: string): RunSummary {
    const stored = this.store.requireSummary(runId)
    const pending = this.pendingStatus.get(runId)
    if (!pending) return stored
    return {
      ...stored,
      status: pending.status,
      ...(pending.failure !== undefined ? { failure: pending.failure } : {}),
    }
  }

  /** Writes the status changes the store refused earlier, oldest first; stops at the first refusal. */
  private writePendingStatus(): void {
    for (const [runId, pending] of this.pendingStatus) {
      try {
        const changed = this.store.setStatus(runId, pending.status, {
          ...(pending.failure !== undefined ? { failure: pending.failure } : {}),
          ...(pending.pid !== undefined ? { pid: pending.pid } : {}),
          hostPid: process.pid,
        })
        this.pendingStatus.delete(runId)
        if (changed) {
          this.logger.info(`run ${runId}: status ${pending.status} written now that the store accepts writes`)
          this.hub.publish({ type: 'runChanged', run: changed.run, previousStatus: changed.previous })
        }
      } catch (error) {
        if (error instanceof StoreError) return
        // Deleted or moved on by another process meanwhile: nothing left to write.
        this.pendingStatus.delete(runId)
      }
    }
  }

  private storeRecovered(): void {
    this.writePendingStatus()
    this.reserve?.ensure()
  }

  /** The store refuses writes (disk full, read-only): stop trainers with a checkpoint rather than lose data. */
  private storeFailed(error: Error): void {
    if (isDiskFull(error)) {
      for (const runId of this.sessions.keys()) {
        this.stoppedForStore.set(runId, {
          reason: 'disk-full',
          message: `Stopped because the disk is full: ${error.message}. Free some space, then resume the run.`,
          exitCode: null,
          signal: null,
        })
      }
      if (this.reserve?.release())
        this.logger.warn('the disk is full: gave back the space reserve so final statuses can be written')
    }
    if (this.sessions.size === 0) return
    this.logger.error(
      `stopping ${this.sessions.size} run(s) with a checkpoint because the run store cannot be written: ${error.message}`,
    )
    for (const session of this.sessions.values()) session.stop('shutdown', this.stopGraceMs)
  }

  /** Marks runs owned by a dead workbench process interrupted, and tells every client. */
  private sweepDeadPeers(): RunSummary[] {
    try {
      return sweepDeadRuns(this.store, {
        logger: this.logger,
        ownBenchmarksLive: true,
        onSwept: (run, previous) => this.hub.publish({ type: 'runChanged', run, previousStatus: previous }),
      })
    } catch (error) {
      this.logger.warn(`could not check for runs left by dead processes: ${(error as Error).message}`)
      return []
    }
  }

  /** Before acting on a run another process owns, checks that process is alive; the run if it was swept. */
  private sweepUnlessHere(runId: string): RunSummary | undefined {
    if (this.isActiveHere(runId)) return undefined
    return this.sweepDeadPeers().find((run) => run.id === runId)
  }

  private touch(): void {
    try {
      this.store.touchHostRuns(process.pid)
    } catch {
      // The flusher reports store failures; a missed heartbeat is harmless.
    }
  }

  private requireLive(runId: string, action: string): TrainerSession {
    const session = this.sessions.get(runId) ?? this.remoteSessions.get(runId)
    if (!session) {
      const status = this.store.requireSummary(runId).status
      throw new ConflictError(
        isEnded(status) || status === 'queued'
          ? `Run ${runId} is ${status}; there is no trainer to ${action}`
          : `Run ${runId} is ${status} in another workbench process; ${action} it there`,
      )
    }
    return session
  }

  private assertOpen(): void {
    if (this.closing) throw new ConflictError('The workbench host is shutting down')
  }
}
