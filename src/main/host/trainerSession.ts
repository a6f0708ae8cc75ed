import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import { TrainerToHost } from '../../shared/protocol/trainerMessages'
import {
  loggedTrainerKinds,
  type RunEventKind,
  type RunFailure,
  type RunStatus,
} from '../../shared/api/runRecords'
import { asRunId } from './brands'
import { configHash } from './configHash'
import type { EventHub } from './eventHub'
import { classifyExit } from './exitReason'
import type { IngestFlusher } from './ingestFlusher'
import type { HostLogger } from './logger'
import type { RunStore } from './runStore'
import type { TrainerExit, TrainerLauncher, TrainerProcess } from './trainerLauncher'

export interface SessionContext {
  readonly store: RunStore
  readonly flusher: IngestFlusher
  readonly hub: EventHub
  readonly logger: HostLogger
  readonly launcher: TrainerLauncher
  readonly hostPid: number
  readonly readyTimeoutMs: number
  /** After this many invalid messages the trainer is taken for broken and killed. */
  readonly maxInvalidMessages: number
  /** How long a stopping or finished trainer may take to exit before it is killed. */
  readonly exitGraceMs: number
  /** Writes a status change and tells every client; never throws (a store failure is logged). */
  readonly changeStatus: (
    runId: string,
    status: RunStatus,
    failure?: RunFailure | null,
    pid?: number | null,
  ) => void
}

export interface SessionStart {
  readonly runId: string
  readonly config: ExperimentConfig
  readonly runDir: string
  readonly resumeFrom?: string
}

const loggedKinds: ReadonlySet<string> = new Set<RunEventKind>(loggedTrainerKinds)
const isLoggedEvent = (message: TrainerToHost): message is Extract<TrainerToHost, { type: RunEventKind }> =>
  loggedKinds.has(message.type)

/**
 * One trainer process running one run: validates every message against `TrainerToHost`, feeds the
 * flusher and the subscribers, and turns how the process ended into the run's final status.
 */
export class TrainerSession {
  readonly runId: string
  /** Resolves once the process is gone and the run's status is written. */
  readonly finished: Promise<void>
  private process: TrainerProcess | undefined
  private resolveFinished!: () => void
  private stopReason: 'user' | 'shutdown' | undefined
  private reportedEnd: 'done' | 'failed' | undefined
  private invalidFailure: RunFailure | undefined
  private invalidMessages = 0
  private readyTimer: NodeJS.Timeout | undefined
  private killTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly context: SessionContext,
    private readonly run: SessionStart,
  ) {
    this.runId = run.runId
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve))
  }

  get pid(): number | undefined {
    return this.process?.pid
  }

  start(): void {
    const { launcher, readyTimeoutMs } = this.context
    const child = launcher.launch({
      serviceName: `trainer-${this.runId}`,
      backend: this.run.config.system.backend,
    })
    this.process = child
    this.context.changeStatus(this.runId, 'running', undefined, child.pid ?? null)
    child.onSpawn?.((pid) => {
      try {
        this.context.store.setPid(this.runId, pid)
      } catch (error) {
        this.context.logger.warn(`run ${this.runId}: could not record trainer pid ${pid}: ${String(error)}`)
      }
    })
    child.onMessage((raw) => this.receive(raw))
    child.onExit((exit) => this.exited(exit))
    this.readyTimer = setTimeout(() => {
      this.invalidFailure = {
        reason: 'launch-failed',
        message: `The trainer did not report ready within ${Math.round(readyTimeoutMs / 1000)} s`,
        exitCode: null,
        signal: null,
      }
      child.kill()
    }, readyTimeoutMs)
  }

  pause(): void {
    this.process?.send({ type: 'pause' })
  }

  resume(): void {
    this.process?.send({ type: 'resume' })
  }

  /** Asks for a checkpoint and a clean exit at the next step boundary; kills after `graceMs`. */
  stop(reason: 'user' | 'shutdown', graceMs: number): void {
    // The first stop sets the deadline; repeating it must not push the kill further away.
    if (this.stopReason || this.reportedEnd) return
    this.stopReason = reason
    const sent = this.process?.send({ type: 'stop', reason }) ?? false
    clearTimeout(this.killTimer)
    this.killTimer = setTimeout(() => this.process?.kill(), sent ? graceMs : 0)
  }

  kill(): void {
    this.process?.kill()
  }

  private receive(raw: unknown): void {
    const parsed = TrainerToHost.safeParse(raw)
    if (!parsed.success) {
      this.invalidMessages++
      const type =
        typeof raw === 'object' && raw !== null ? String((raw as { type?: unknown }).type) : typeof raw
      this.context.logger.warn(
        `trainer-${this.runId} sent an invalid message (type ${type.slice(0, 40)}), rejected: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || '(message)'} ${i.message}`)
          .join('; ')}`,
      )
      if (this.invalidMessages >= this.context.maxInvalidMessages && !this.invalidFailure) {
        this.invalidFailure = {
          reason: 'invalid-messages',
          message: `The trainer sent ${this.invalidMessages} messages that break the protocol; it was stopped`,
          exitCode: null,
          signal: null,
        }
        this.process?.kill()
      }
      return
    }
    this.handle(parsed.data)
  }

  private handle(message: TrainerToHost): void {
    const { flusher, hub, logger } = this.context
    const runId = this.runId
    const at = Date.now()
    switch (message.type) {
      case 'ready':
        clearTimeout(this.readyTimer)
        this.process?.send({
          type: 'start',
          runId,
          config: this.run.config,
          runDir: this.run.runDir,
          configHash: configHash(this.run.config),
          ...(this.run.resumeFrom ? { resumeFrom: this.run.resumeFrom } : {}),
        })
        return
      case 'heartbeat':
        flusher.patch(runId, { heartbeatAt: at })
        return
      case 'benchDone':
        logger.warn(`trainer-${runId} sent benchDone during a training run: ignored`)
        return
      case 'progress': {
        const { type: _type, ...progress } = message
        flusher.patch(runId, { progress, heartbeatAt: at })
        break
      }
      case 'metrics':
        flusher.addMetrics(runId, message.points)
        break
      case 'layerSnapshot':
        flusher.addSnapshot(runId, message)
        break
      case 'backend':
        flusher.patch(runId, { backend: message.backend })
        break
      case 'checkpoint':
        flusher.addCheckpoint(runId, message, at)
        break
      case 'log':
        logger[message.level](`trainer-${runId}: ${message.message}`)
        break
    }
    if (isLoggedEvent(message)) {
      const step = 'step' in message ? message.step : null
      flusher.addEvent({ runId, step, kind: message.type, at, message })
    }
    hub.publishRunMessage(asRunId(runId), message)
    if (message.type === 'checkpoint') flusher.flush()
    if (message.type === 'done')
      this.finish('done', null, () => this.context.store.setResult(runId, message.result))
    if (message.type === 'failed') {
      const detail = message.stack ? `\n${message.stack}` : ''
      const failure = {
        reason: 'trainer-error',
        message: `${message.message}${detail}`,
        exitCode: null,
        signal: null,
      } as const
      this.finish('failed', failure)
    }
  }

  /** The trainer reported its end: record it now, and give the process a while to exit on its own. */
  private finish(end: 'done' | 'failed', failure: RunFailure | null, record?: () => void): void {
    if (this.reportedEnd) return
    this.reportedEnd = end
    this.context.flusher.flush()
    try {
      record?.()
    } catch (error) {
      this.context.logger.error((error as Error).message)
    }
    this.context.changeStatus(this.runId, end === 'done' ? 'completed' : 'failed', failure)
    clearTimeout(this.killTimer)
    this.killTimer = setTimeout(() => this.process?.kill(), this.context.exitGraceMs)
  }

  private exited(exit: TrainerExit): void {
    clearTimeout(this.readyTimer)
    clearTimeout(this.killTimer)
    const { flusher, changeStatus } = this.context
    flusher.flush()
    if (this.reportedEnd) {
      // Its end is already recorded; the process leaving afterwards is the expected part.
    } else if (this.invalidFailure) {
      changeStatus(this.runId, 'failed', this.invalidFailure)
    } else if (this.stopReason) {
      const clean = exit.code === 0
      changeStatus(
        this.runId,
        this.stopReason === 'user' ? 'cancelled' : 'interrupted',
        clean ? null : classifyExit(exit),
      )
    } else {
      const failure = classifyExit(exit)
      // Killed from outside is an interruption (resume it); a crash or out-of-memory is a failure.
      changeStatus(this.runId, failure.reason === 'killed' ? 'interrupted' : 'failed', failure)
    }
    this.resolveFinished()
  }
}
