import type { MetricKey } from '../../shared/metrics/metricKeys'
import type { MetricPoint, ParentPort, TrainerToHost } from '../../shared/protocol/trainerMessages'

/**
 * Throttles what the loop reports so the host sees about ten messages a second however fast steps are:
 * metric points are batched, progress keeps only the latest, and everything else goes out at once.
 * The loop calls `tick()` every step (training is synchronous, so timers would not fire in time).
 */
export class EventEmitter {
  private points: MetricPoint[] = []
  private pendingProgress: Extract<TrainerToHost, { type: 'progress' }> | undefined
  private lastFlush = 0
  private lastHeartbeat = 0

  constructor(
    private readonly port: ParentPort,
    private readonly flushIntervalMs = 100,
    private readonly heartbeatIntervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Only catalogued keys (`shared/metrics/metricKeys.ts`), so every reader knows each series. */
  metric(key: MetricKey, step: number, value: number): void {
    if (Number.isFinite(value)) this.points.push({ key, step, value })
  }

  progress(message: Omit<Extract<TrainerToHost, { type: 'progress' }>, 'type'>): void {
    this.pendingProgress = { type: 'progress', ...message }
  }

  /** Sends a message now, after any batched metrics, so the host sees them in order. */
  send(message: TrainerToHost): void {
    this.flush()
    this.port.postMessage(message)
  }

  tick(step: number): void {
    const now = this.now()
    if (now - this.lastFlush >= this.flushIntervalMs) this.flush()
    if (now - this.lastHeartbeat >= this.heartbeatIntervalMs) {
      this.lastHeartbeat = now
      this.port.postMessage({ type: 'heartbeat', step, at: now })
    }
  }

  flush(): void {
    this.lastFlush = this.now()
    if (this.points.length > 0) {
      const points = this.points
      this.points = []
      this.port.postMessage({ type: 'metrics', points })
    }
    if (this.pendingProgress) {
      this.port.postMessage(this.pendingProgress)
      this.pendingProgress = undefined
    }
  }
}
