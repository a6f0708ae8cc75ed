import type { WorkbenchClient } from '../api/client'
import { unpackSnapshot, type SnapshotView } from '../api/packedSnapshots'
import type { PushEvent } from '../api/pushEvents'
import type { RunDetail, RunEvent, RunEventKind, RunId } from '../api/runRecords'
import type { TrainerToHost } from '../protocol/trainerMessages'
import { RunSeqTracker } from './runSeqTracker'
import { SnapshotPager } from './snapshotPages'

/** A metric series being filled, in step order. */
export interface FeedSeries {
  readonly steps: number[]
  readonly values: number[]
}

export interface RunFeedOptions {
  readonly client: WorkbenchClient
  readonly runId: RunId
  /** Event kinds read from the store (live, every message arrives). */
  readonly eventKinds: readonly RunEventKind[]
  /** History metrics are downsampled to this many points a series (live points all arrive). */
  readonly metricPoints?: number
  /** About this many snapshots are kept over the run's history, read `snapshotsPerPage` at a time. */
  readonly snapshotColumns?: number
  readonly snapshotsPerPage?: number
  /** The run as first read (before any history). */
  readonly onRun: (run: RunDetail) => void
  /** Every message but metrics and snapshots (the feed keeps those), live or read back after a gap. */
  readonly onMessage: (message: TrainerToHost) => void
  /** Events read from the store; `catchUp` when they may repeat messages that already came live. */
  readonly onHistoryEvent: (event: RunEvent, catchUp: boolean) => void
  /** Series or snapshots changed; `stage` says how far the first load is. */
  readonly onChange: (stage: 'curves' | 'live' | 'snapshots' | 'complete') => void
}

/**
 * Follows one run without ever losing a point: the stored history first (run and curves, then events,
 * then snapshots newest first in small answers), the live messages on top. Live messages are numbered
 * per run; a jump in the numbers, or the host saying it held some back (`runGap`), makes the feed read
 * the missed stretch from the store before it applies anything newer. Transport-agnostic: the dashboard,
 * the CLI and the benchmarks use the same feed over WebSocket or IPC.
 *
 *   const feed = new RunFeed({ client, runId, eventKinds, onRun, onMessage, onHistoryEvent, onChange })
 *   const stop = client.onEvent((e) => feed.push(e))
 *   await feed.start()   // … later: feed.close(); stop()
 */
export class RunFeed {
  readonly series = new Map<string, FeedSeries>()
  /** Ordered by step, each step once. */
  readonly snapshots: SnapshotView[] = []
  private readonly client: WorkbenchClient
  private readonly runId: RunId
  private tracker: RunSeqTracker | null = null
  // Live messages wait here while the store is read, then apply on top of the answer.
  private buffer: { seq: number; message: TrainerToHost }[] | null = []
  private reading = true
  private readAgain = false
  private lastEventId = 0
  // Until the newest history page is in, snapshots come from the pages, not from catch-up reads.
  private snapshotHistoryPending = true
  private closed = false

  constructor(private readonly options: RunFeedOptions) {
    this.client = options.client
    this.runId = options.runId
  }

  /** Reads the history and starts following; resolves when everything stored is loaded. */
  async start(): Promise<void> {
    const { seq } = await this.client.call('runs.subscribe', { runId: this.runId })
    if (this.closed) return
    this.startTracking(seq)
    const [run, metrics] = await Promise.all([
      this.client.call('runs.get', { runId: this.runId }),
      this.client.call('runs.metrics', { runId: this.runId, maxPoints: this.options.metricPoints ?? 5_000 }),
    ])
    if (this.closed) return
    this.options.onRun(run)
    for (const s of metrics.series)
      this.series.set(s.key, { steps: s.steps.slice(), values: s.values.slice() })
    this.options.onChange('curves')
    if (!(await this.readEvents(false))) return
    if (!(await this.finishReads(false))) return
    this.reading = false
    this.options.onChange('live')
    await this.readSnapshotHistory(Math.max(run.progress?.step ?? 0, this.lastMetricStep()))
    if (!this.closed) this.options.onChange('complete')
  }

  /** Feed every push event of the client here (others' runs are ignored). */
  push(event: PushEvent): void {
    if (this.closed || (event.type !== 'runMessage' && event.type !== 'runGap')) return
    if (event.runId !== this.runId) return
    if (event.type === 'runGap') {
      // Held back by the host because we were slow: read that stretch from the store.
      this.tracker?.skipThrough(event.toSeq)
      void this.catchUp()
      return
    }
    const entry = { seq: event.seq, message: event.message }
    if (!this.tracker) {
      this.buffer?.push(entry)
      return
    }
    const verdict = this.tracker.observe(event.seq)
    if (verdict === 'stale') return
    if (this.buffer) {
      this.buffer.push(entry)
      if (verdict === 'gap') this.readAgain = true
      return
    }
    if (verdict === 'gap') {
      // Applied only after the missed ones are read, so every series stays in step order.
      this.buffer = [entry]
      void this.catchUp()
      return
    }
    this.apply(event.message)
    this.options.onChange('live')
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.buffer = null
    void this.client.call('runs.unsubscribe', { runId: this.runId }).catch(() => undefined)
  }

  lastStep(key: string): number {
    const s = this.series.get(key)
    return s && s.steps.length ? s.steps[s.steps.length - 1]! : -1
  }

  /** Applies one message; points and snapshots the feed already holds are skipped by step. */
  private apply(message: TrainerToHost): void {
    if (message.type === 'metrics') {
      for (const point of message.points) {
        if (point.step <= this.lastStep(point.key)) continue
        let s = this.series.get(point.key)
        if (!s) this.series.set(point.key, (s = { steps: [], values: [] }))
        s.steps.push(point.step)
        s.values.push(point.value)
      }
      return
    }
    if (message.type === 'layerSnapshot') {
      this.insertSnapshot({ step: message.step, layers: message.layers, densities: message.densities })
      return
    }
    this.options.onMessage(message)
  }

  /** Live snapshots append; history pages fill in before them. */
  private insertSnapshot(snapshot: SnapshotView): void {
    const list = this.snapshots
    const last = list[list.length - 1]
    if (!last || snapshot.step > last.step) {
      list.push(snapshot)
      return
    }
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (list[mid]!.step < snapshot.step) lo = mid + 1
      else hi = mid
    }
    if (list[lo]?.step !== snapshot.step) list.splice(lo, 0, snapshot)
  }

  /** What waited before the subscription answered is either in the coming reads or follows them. */
  private startTracking(afterSeq: number): void {
    this.tracker = new RunSeqTracker(afterSeq)
    const waiting = this.buffer ?? []
    this.buffer = []
    for (const entry of waiting) {
      const verdict = this.tracker.observe(entry.seq)
      if (verdict === 'stale') continue
      if (verdict === 'gap') this.readAgain = true
      this.buffer.push(entry)
    }
  }

  private drainBuffer(): void {
    const pending = this.buffer ?? []
    this.buffer = null
    for (const { message } of pending) this.apply(message)
    this.options.onChange('live')
  }

  private async readEvents(catchUp: boolean): Promise<boolean> {
    for (;;) {
      const { events } = await this.client.call('runs.events', {
        runId: this.runId,
        kinds: [...this.options.eventKinds],
        afterId: this.lastEventId,
        limit: 10_000,
      })
      if (this.closed) return false
      for (const event of events) this.options.onHistoryEvent(event, catchUp)
      if (events.length) this.lastEventId = events[events.length - 1]!.id
      if (events.length < 10_000) return true
    }
  }

  /** Reads from the store what live messages may have missed: points after what each series holds. */
  private async readMissed(): Promise<boolean> {
    const client = this.client
    const runId = this.runId
    const known = [...this.series.keys()]
    const fromStep = known.length ? Math.min(...known.map((key) => this.lastStep(key))) + 1 : 0
    const { keys } = await client.call('runs.metricKeys', { runId })
    const unknown = keys.map((k) => k.key).filter((key) => !this.series.has(key))
    const last = this.snapshots[this.snapshots.length - 1]
    const [recent, added, newer, run] = await Promise.all([
      known.length ? client.call('runs.metrics', { runId, keys: known, fromStep }) : { series: [] },
      unknown.length
        ? client.call('runs.metrics', { runId, keys: unknown, maxPoints: this.options.metricPoints ?? 5_000 })
        : { series: [] },
      this.snapshotHistoryPending
        ? { snapshots: [] }
        : client.call('runs.packedSnapshots', {
            runId,
            fromStep: last ? last.step + 1 : 0,
            maxSnapshots: this.options.snapshotColumns ?? 1_000,
            // What the live messages would have brought: exact values.
            encoding: 'f32',
          }),
      client.call('runs.get', { runId }),
    ])
    if (this.closed) return false
    for (const s of [...recent.series, ...added.series]) {
      this.apply({
        type: 'metrics',
        points: s.steps.map((step, i) => ({ key: s.key, step, value: s.values[i]! })),
      })
    }
    for (const snapshot of newer.snapshots) this.insertSnapshot(unpackSnapshot(snapshot))
    if (run.progress) this.options.onMessage({ type: 'progress', ...run.progress })
    return this.readEvents(true)
  }

  /** One read at a time; a gap seen during one makes it read once more before live messages apply. */
  private async catchUp(): Promise<void> {
    if (this.reading) {
      this.readAgain = true
      return
    }
    this.reading = true
    this.buffer ??= []
    try {
      await this.finishReads(true)
    } catch {
      // Started without a waiter (from push): a read cut by the connection closing must not surface as
      // an unhandled rejection. Still open, the stretch is read again with the next catch-up.
      if (!this.closed) this.readAgain = true
    } finally {
      this.reading = false
    }
  }

  private async finishReads(missed: boolean): Promise<boolean> {
    this.readAgain = this.readAgain || missed
    while (this.readAgain) {
      this.readAgain = false
      if (!(await this.readMissed())) return false
    }
    this.drainBuffer()
    return true
  }

  private lastMetricStep(): number {
    let last = 0
    for (const key of this.series.keys()) last = Math.max(last, this.lastStep(key))
    return last
  }

  private async readSnapshotHistory(lastStepSeen: number): Promise<void> {
    const pager = new SnapshotPager(
      lastStepSeen,
      this.options.snapshotColumns ?? 1_000,
      this.options.snapshotsPerPage ?? 12,
    )
    for (let page = pager.next(); page; page = pager.next()) {
      // History is for display: 16 bits a value is finer than any colour scale.
      const answer = await this.client.call('runs.packedSnapshots', {
        runId: this.runId,
        ...page,
        encoding: 'u16',
      })
      if (this.closed) return
      pager.record(answer.snapshots.length, answer.inRange)
      for (const snapshot of answer.snapshots) this.insertSnapshot(unpackSnapshot(snapshot))
      this.snapshotHistoryPending = false
      this.options.onChange('snapshots')
    }
  }
}
