import { resultNumbers } from '../../shared/api/resultNumbers'
import type { RunSummary } from '../../shared/api/runRecords'
import type { Host } from '../host/host'
import type { CommandIo } from './command'
import { metricRole, progressLine, type LiveNumbers } from './progressLine'

export interface FollowOptions {
  readonly json: boolean
  /** Registers the Ctrl-C handler; returns its remover. Tests call the handler directly. */
  readonly interrupts?: (onInterrupt: () => void) => () => void
}

export interface FollowOutcome {
  readonly run: RunSummary
  readonly interrupted: boolean
}

const processInterrupts = (onInterrupt: () => void) => {
  process.on('SIGINT', onInterrupt)
  process.on('SIGTERM', onInterrupt)
  return () => {
    process.off('SIGINT', onInterrupt)
    process.off('SIGTERM', onInterrupt)
  }
}

/**
 * Waits for a run of an in-process host, drawing a progress line on a terminal. Ctrl-C stops the
 * trainer at a step boundary with a checkpoint (resume continues it); a second Ctrl-C kills it.
 */
export async function followRun(
  host: Host,
  runId: string,
  io: CommandIo,
  options: FollowOptions,
): Promise<FollowOutcome> {
  const live: LiveNumbers = { progress: null, loss: null, accuracy: null, phase: null }
  const tty = !options.json && io.stdout.isTTY === true
  let lastDraw = 0
  const draw = (force = false) => {
    const now = Date.now()
    if (!tty || (!force && now - lastDraw < 100)) return
    lastDraw = now
    io.stdout.write(`\r\x1b[2K${progressLine(live, io.stdout.columns ?? 100)}`)
  }
  const client = host.hub.connect((event) => {
    if (event.type !== 'runMessage' || event.runId !== runId) return
    const message = event.message
    if (message.type === 'progress') live.progress = message
    else if (message.type === 'phase') live.phase = message.phase
    else if (message.type === 'metrics') {
      for (const point of message.points) {
        const role = metricRole(point.key)
        if (role) live[role] = point.value
      }
    }
    draw(message.type !== 'metrics')
  })
  client.subscribedRuns.add(runId)

  let interrupted = false
  const removeInterrupts = (options.interrupts ?? processInterrupts)(() => {
    if (!interrupted) {
      interrupted = true
      if (tty) io.stdout.write('\r\x1b[2K')
      io.stderr.write('Stopping at the next step with a checkpoint (Ctrl-C again to kill the trainer)…\n')
      void host.supervisor.shutdown()
    } else {
      io.stderr.write('Killing the trainer; resume continues from the last checkpoint.\n')
      host.supervisor.killAll()
    }
  })
  try {
    const run = await host.supervisor.waitFor(runId)
    if (tty) io.stdout.write('\r\x1b[2K')
    return { run, interrupted }
  } finally {
    removeInterrupts()
    client.close()
  }
}

/** The one JSON line `train --json` and `resume --json` end with. */
export function runOutcomeJson(run: RunSummary): Record<string, unknown> {
  const r = run.result
  return {
    runId: run.id,
    status: run.status,
    backend: run.backend,
    ...resultNumbers(r),
    slimmedTestAccuracy: r?.slimmedTestAccuracy ?? null,
    imagesPerSecond: r?.imagesPerSecond ?? null,
    slimmedModelDir: r?.slimmedModelDir ?? null,
    lastCheckpointStep: run.lastCheckpointStep,
    failure: run.failure,
  }
}

export function runOutcomeText(run: RunSummary): string {
  const r = run.result
  if (run.status === 'completed' && r) {
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`
    return [
      `Run ${run.id} completed on ${run.backend ?? 'an unknown backend'}.`,
      `  test accuracy ${pct(r.final.testAccuracy)} (best ${pct(r.best.testAccuracy)}, slimmed ${pct(r.slimmedTestAccuracy)})`,
      `  density ${r.density.toFixed(4)}, channel sparsity ${r.channelSparsity.toFixed(3)}, ` +
        `FLOPs ${pct(r.flops.theoreticalRatio)} theoretical / ${pct(r.flops.gpuSupportedRatio)} GPU-supported`,
      r.slimmedModelDir ? `  slimmed model: ${r.slimmedModelDir}` : '',
    ]
      .filter(Boolean)
      .join('\n')
  }
  const why = run.failure ? `: ${run.failure.message}` : ''
  const next =
    run.status === 'interrupted' || run.status === 'cancelled' || run.status === 'failed'
      ? `\nContinue it with: chase-workbench resume ${run.id}`
      : ''
  return `Run ${run.id} ${run.status}${why}${next}`
}

/** 0 completed, 130 stopped by Ctrl-C, 1 anything else. */
export function exitCodeFor(outcome: FollowOutcome): number {
  if (outcome.run.status === 'completed') return 0
  return outcome.interrupted ? 130 : 1
}

/** What `train` and `resume` end with: follow the run, print its outcome (text or one JSON line), exit code. */
export async function followAndReport(
  host: Host,
  runId: string,
  io: CommandIo,
  options: FollowOptions,
): Promise<number> {
  const outcome = await followRun(host, runId, io, options)
  io.stdout.write(
    options.json ? `${JSON.stringify(runOutcomeJson(outcome.run))}\n` : `${runOutcomeText(outcome.run)}\n`,
  )
  return exitCodeFor(outcome)
}
