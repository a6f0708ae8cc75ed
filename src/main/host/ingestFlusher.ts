import { isBusyError } from './busyRetry'
import type { MetricPoint, TrainerEvent } from '../../shared/protocol/trainerMessages'
import {
  batchPointCount,
  emptyBatch,
  isBatchEmpty,
  mergeBatches,
  type EventRecord,
  type IngestBatch,
  type RunStatePatch,
} from './ingestBatch'
import type { HostLogger } from './logger'
import type { RunStore } from './runStore'

export interface FlusherOptions {
  readonly intervalMs?: number
  /** Flush early once this many metric points wait. */
  readonly maxPoints?: number
  /** Above this many unwritten points (the store keeps failing), the oldest metrics are dropped. */
  readonly maxPendingPoints?: number
  /** Called when a flush fails (disk full, read-only) and again when writing works again (`null`). */
  readonly onStoreError?: (error: Error | null) => void
}

/**
 * Collects what trainers report and writes it in one transaction per flush: every `intervalMs`
 * (250 ms) or as soon as `maxPoints` metric points wait. A failed flush keeps its data for the next.
 */
export class IngestFlusher {
  private batch: IngestBatch = emptyBatch()
  private points = 0
  private timer: NodeJS.Timeout | undefined
  private failing: Error | null = null
  private readonly intervalMs: number
  private readonly maxPoints: number
  private readonly maxPendingPoints: number

  constructor(
    private readonly store: RunStore,
    private readonly logger: HostLogger,
    private readonly options: FlusherOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 250
    this.maxPoints = options.maxPoints ?? 20_000
    this.maxPendingPoints = options.maxPendingPoints ?? 2_000_000
  }

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.intervalMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.flush()
  }

  get storeError(): Error | null {
    return this.failing
  }

  addMetrics(runId: string, points: readonly MetricPoint[]): void {
    this.batch.metrics.push({ runId, points })
    this.points += points.length
    if (this.points >= this.maxPoints) this.flush()
  }

  addSnapshot(runId: string, snapshot: Omit<TrainerEvent<'layerSnapshot'>, 'type'>): void {
    this.batch.snapshots.push({ runId, snapshot })
  }

  addEvent(event: EventRecord): void {
    this.batch.events.push(event)
  }

  addCheckpoint(runId: string, checkpoint: TrainerEvent<'checkpoint'>, at: number): void {
    this.batch.checkpoints.push({ runId, checkpoint, at })
  }

  patch(runId: string, patch: RunStatePatch): void {
    this.batch.patches.set(runId, { ...this.batch.patches.get(runId), ...patch })
  }

  /** Writes everything waiting; returns false when the store refused (the data stays queued). */
  flush(): boolean {
    if (isBatchEmpty(this.batch)) return this.failing === null
    const batch = this.batch
    this.batch = emptyBatch()
    this.points = 0
    try {
      this.store.writeBatch(batch)
      if (this.failing) {
        this.failing = null
        this.logger.info('the run store accepts writes again')
        this.options.onStoreError?.(null)
      }
      return true
    } catch (error) {
      this.batch = mergeBatches(batch, this.batch)
      this.points = batchPointCount(this.batch)
      this.dropOldestIfOverfull()
      const err = error as Error
      if (isBusyError(err)) {
        // Another process held the lock through every retry: the data waits for the next flush and
        // no training is stopped for it (a user's note must never cost a run).
        this.logger.warn(`${err.message}; keeping the data for the next flush`)
        return false
      }
      if (this.failing?.message !== err.message) this.logger.error(err.message)
      this.failing = err
      this.options.onStoreError?.(err)
      return false
    }
  }

  private dropOldestIfOverfull(): void {
    let dropped = 0
    while (this.points > this.maxPendingPoints && this.batch.metrics.length > 0) {
      const oldest = this.batch.metrics.shift()!
      this.points -= oldest.points.length
      dropped += oldest.points.length
    }
    if (dropped > 0) this.logger.error(`dropped ${dropped} metric points the run store could not take`)
  }
}
