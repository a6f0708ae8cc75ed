import { configHash } from '../host/configHash'
import type { TrainerExit, TrainerLauncher } from '../host/trainerLauncher'
import { HostLink } from './hostLink'
import { appendExit, appendMessage, type SpoolEntry } from './spoolFile'
import type { TaskManifest } from './taskManifest'

export interface RemoteTaskOptions {
  readonly manifest: TaskManifest
  readonly launcher: TrainerLauncher
  readonly log: (line: string) => void
  /** Pause between pushes while the trainer runs (also how often the host's stop reaches the node). */
  readonly pushIntervalMs?: number
  /** Registers the handler for SIGTERM/SIGINT (Slurm's scancel and time limit); returns its remover. */
  readonly signals?: (onSignal: (signal: string) => void) => () => void
}

const maxBatch = 500

const processSignals = (onSignal: (signal: string) => void) => {
  const handlers = (['SIGTERM', 'SIGINT'] as const).map((name) => {
    const handler = () => onSignal(name)
    process.on(name, handler)
    return () => process.off(name, handler)
  })
  return () => handlers.forEach((off) => off())
}

/**
 * One Slurm task on a node: runs the workbench's own trainer, numbers every message it sends, writes it
 * to the spool before anything else, and hands the spool to the host over the API, retrying while the host
 * is unreachable. Ends with the trainer's exit code once the host has everything (or the drain times out;
 * the host then reads the spool from the shared filesystem). Resolves the exit code.
 */
export async function runRemoteTask(options: RemoteTaskOptions): Promise<number> {
  const { manifest, log } = options
  const pushIntervalMs = options.pushIntervalMs ?? 1_000
  const link = new HostLink(manifest.apiUrl)
  const pending: SpoolEntry[] = []
  let seq = 0
  let exit: TrainerExit | undefined
  let exitAcked = false
  let stopSent = false
  let lastCommand: string = 'continue'
  let failures = 0

  const child = options.launcher.launch({ serviceName: `trainer-${manifest.runId}` })
  const exited = new Promise<TrainerExit>((resolve) => child.onExit(resolve))
  child.onMessage((message) => {
    const entry = { seq: ++seq, message }
    appendMessage(manifest.spoolPath, entry)
    pending.push(entry)
    if ((message as { type?: unknown }).type === 'ready') {
      child.send({
        type: 'start',
        runId: manifest.runId,
        config: manifest.config,
        configHash: configHash(manifest.config),
        runDir: manifest.runDir,
        ...(manifest.resumeFrom ? { resumeFrom: manifest.resumeFrom } : {}),
      })
    }
  })
  const stopTrainer = (why: string) => {
    if (stopSent) return
    stopSent = true
    log(`stopping the trainer at the next step with a checkpoint (${why})`)
    if (!child.send({ type: 'stop', reason: why === 'the user stopped the run' ? 'user' : 'shutdown' }))
      child.kill()
  }
  const removeSignals = (options.signals ?? processSignals)((signal) => stopTrainer(`${signal} from Slurm`))
  void exited.then((e) => {
    exit = e
    appendExit(manifest.spoolPath, {
      code: e.code,
      signal: e.signal,
      ...(e.stderrTail ? { stderrTail: e.stderrTail.slice(-8192) } : {}),
    })
  })

  /** One push of what is pending; false when the host could not be reached. */
  const pushOnce = async (): Promise<boolean> => {
    const batch = pending.slice(0, maxBatch)
    const last = batch.length === pending.length && exit !== undefined
    try {
      const answer = await link.push({
        runId: manifest.runId,
        token: manifest.token,
        firstSeq: batch[0]?.seq ?? seq + 1,
        messages: batch.map((e) => e.message),
        ...(last
          ? {
              exit: {
                code: exit!.code,
                signal: exit!.signal,
                ...(exit!.stderrTail ? { stderrTail: exit!.stderrTail.slice(-8192) } : {}),
              },
            }
          : {}),
      })
      while (pending.length > 0 && pending[0]!.seq <= answer.acceptedThrough) pending.shift()
      if (last && pending.length === 0) exitAcked = true
      if (answer.command !== lastCommand) {
        lastCommand = answer.command
        if (answer.command === 'stop') stopTrainer('the user stopped the run')
        else if (answer.command === 'pause' || answer.command === 'resume')
          child.send({ type: answer.command })
      }
      if (failures > 0) log(`the host is reachable again; ${pending.length} message(s) still to send`)
      failures = 0
      return true
    } catch (error) {
      if ((error as { refused?: string }).refused === 'unauthorized') {
        // A newer submission of this run holds the token now: this task is stale.
        log(`the host no longer accepts this task (${(error as Error).message}); stopping`)
        stopTrainer('the host refused this task')
        pending.length = 0
        exitAcked = true
        return true
      }
      if (failures === 0) log(`${(error as Error).message}; buffering in ${manifest.spoolPath} and retrying`)
      failures++
      return false
    }
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  const backoffMs = () => Math.min(10_000, pushIntervalMs * 2 ** Math.min(failures, 4))

  while (exit === undefined) {
    await Promise.race([sleep(failures > 0 ? backoffMs() : pushIntervalMs), exited])
    await pushOnce()
  }
  const drainUntil = Date.now() + manifest.drainTimeoutMs
  while (!exitAcked && Date.now() < drainUntil) {
    if (!(await pushOnce())) await sleep(backoffMs())
  }
  removeSignals()
  link.close()
  if (!exitAcked)
    log(
      `the host did not take the last ${pending.length} message(s) within the drain time; they wait in ${manifest.spoolPath}`,
    )
  return exit.code ?? 1
}
