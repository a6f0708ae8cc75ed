import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ApiError } from '../../../shared/api/apiError'
import type { RemotePushRequest, RemotePushResponse } from '../../../shared/protocol/remotePush'
import type { SlurmSettings } from '../../../shared/sweep/sweepSpec'
import { readSpool, type SpoolExit } from '../../remote/spoolFile'
import type { TaskManifest } from '../../remote/taskManifest'
import { ConflictError } from '../hostErrors'
import type { HostLogger } from '../logger'
import type { RemoteCommand } from '../remoteRunStore'
import type { RunStore } from '../runStore'
import type { TrainerExit, TrainerProcess } from '../trainerLauncher'
import { jobScript } from './jobScript'
import { RemoteTrainerProcess } from './remoteTrainerProcess'
import { slurmCommandLine, type JobInfo, type SlurmCli } from './slurmCli'
import { slurmRest } from './slurmRest'
import { slurmState } from './slurmStates'

/** What the executor needs of the supervisor (it owns the sessions, the flusher and resume). */
export interface RemoteSupervisor {
  adoptRemote(runId: string, process: TrainerProcess): void
  resume(runId: string): unknown
  readonly flusher: { flush(): void }
}

export interface SlurmExecutorOptions {
  readonly store: RunStore
  readonly logger: HostLogger
  readonly cli?: SlurmCli
  /** The slurmrestd client of a sweep's `slurm.rest` (tests inject one; default: undici to its url). */
  readonly restClient?: (settings: NonNullable<SlurmSettings['rest']>) => SlurmCli
  /** `chase-workbench` of this checkout; a sweep's `slurm.workbenchPath` overrides it. */
  readonly workbenchPath: string
  /** How often squeue/scontrol are asked about the jobs followed here. */
  readonly pollIntervalMs?: number
}

export interface SubmitRun {
  readonly runId: string
  readonly resumeFrom?: string
}

/** ws://…/api of an http(s) address, keeping its token. */
export function apiUrlOf(httpUrl: string): string {
  const url = new URL(httpUrl)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  url.pathname = '/api'
  return url.toString()
}

/**
 * The Slurm executor: submits runs as a job array (or one job per resubmission), follows the jobs with
 * squeue/scontrol (sacct where accounting is on), takes the messages the nodes push over the API, and
 * turns how a job ended into the run's status. The supervisor sees each run as a `TrainerProcess`.
 */
export class SlurmExecutor {
  private readonly cli: SlurmCli
  /** One slurmrestd client per address/user/token variable, shared by the runs that name it. */
  private readonly restClients = new Map<string, SlurmCli>()
  private readonly processes = new Map<string, RemoteTrainerProcess>()
  private readonly autoResubmit = new Set<string>()
  /** Runs whose session ended (the node said so) while Slurm still lists their job: its final state is awaited. */
  private readonly settling = new Set<string>()
  /** Runs whose new job sbatch has not answered yet (the store still holds the previous job id). */
  private readonly submitting = new Set<string>()
  private supervisor: RemoteSupervisor | undefined
  private servedUrl: string | undefined
  private timer: NodeJS.Timeout | undefined
  private polling: Promise<void> | undefined
  private closed = false

  constructor(private readonly options: SlurmExecutorOptions) {
    this.cli = options.cli ?? slurmCommandLine()
  }

  /** A sweep's `slurm.rest` picks slurmrestd; otherwise the command-line tools. */
  private clientFor(settings: SlurmSettings): SlurmCli {
    const rest = settings.rest
    if (!rest) return this.cli
    const key = JSON.stringify([rest.url, rest.user ?? null, rest.tokenEnv ?? null])
    let client = this.restClients.get(key)
    if (!client) {
      client = this.options.restClient?.(rest) ?? slurmRest({ settings: rest })
      this.restClients.set(key, client)
    }
    return client
  }

  attach(supervisor: RemoteSupervisor): void {
    this.supervisor = supervisor
  }

  /** The address this host serves (`serve`, or `sweep --executor slurm`): the nodes' default way back. */
  setServedUrl(httpUrl: string | undefined): void {
    this.servedUrl = httpUrl
  }

  owns(runId: string): boolean {
    return this.options.store.remoteRuns.get(runId) !== undefined
  }

  /** Where the nodes send their messages; refuses when no host address is known (checked before any run exists). */
  apiUrlFor(settings: SlurmSettings): string {
    const http = settings.hostUrl ?? this.servedUrl
    if (!http)
      throw new ConflictError(
        'The Slurm executor needs an address the nodes can reach this host at: run it under ' +
          '`chase-workbench serve` (or `sweep --executor slurm`), or set slurm.hostUrl (e.g. an SSH tunnel on the login node)',
      )
    return apiUrlOf(http)
  }

  /** Follows every remote run the store says may still have a job (at host start). */
  reattach(): number {
    const active = this.options.store.remoteRuns.active()
    for (const run of active) if (!this.processes.has(run.runId)) this.adopt(run.runId)
    if (active.length > 0) this.options.logger.info(`following ${active.length} Slurm run(s) again`)
    return active.length
  }

  /**
   * Submits runs (status queued) as one job array, or one job for a single run. Each run's session starts
   * at once; an sbatch failure fails the runs with sbatch's words.
   */
  async submit(
    runs: readonly SubmitRun[],
    settings: SlurmSettings,
    jobName: string,
    workDir: string,
  ): Promise<void> {
    // Sessions first: whatever fails below fails these runs with its reason instead of leaving them queued.
    // Until sbatch answers, the store still names a resubmitted run's previous (ended) job: not followed.
    for (const run of runs) this.submitting.add(run.runId)
    for (const run of runs) this.adopt(run.runId)
    try {
      const scriptPath = this.writeJob(runs, settings, jobName, workDir)
      const jobId = await this.clientFor(settings).sbatch(scriptPath)
      runs.forEach((run, i) => {
        const auto = this.autoResubmit.delete(run.runId)
        this.options.store.remoteRuns.submitted(run.runId, runs.length > 1 ? `${jobId}_${i}` : jobId, auto)
      })
      this.options.logger.info(`submitted ${runs.length} run(s) to Slurm as job ${jobId} (${scriptPath})`)
    } catch (error) {
      for (const run of runs)
        this.processes
          .get(run.runId)
          ?.exit({ code: null, signal: null, reason: 'launch-failed', error: (error as Error).message })
    } finally {
      for (const run of runs) this.submitting.delete(run.runId)
    }
  }

  /** One manifest per run (mode 0600: it holds the run's token) and the job script; returns the script. */
  private writeJob(
    runs: readonly SubmitRun[],
    settings: SlurmSettings,
    jobName: string,
    workDir: string,
  ): string {
    const store = this.options.store
    const apiUrl = this.apiUrlFor(settings)
    mkdirSync(workDir, { recursive: true })
    const manifests = runs.map((run) => {
      const detail = store.getDetail(run.runId)!
      const submission = (store.remoteRuns.get(run.runId)?.submissions ?? 0) + 1
      mkdirSync(detail.runDir, { recursive: true })
      const manifest: TaskManifest = {
        runId: detail.id,
        apiUrl,
        token: store.remoteRuns.renewToken(run.runId),
        config: detail.config,
        runDir: detail.runDir,
        ...(run.resumeFrom ? { resumeFrom: run.resumeFrom } : {}),
        spoolPath: join(detail.runDir, `remote-spool-${submission}.jsonl`),
        drainTimeoutMs: 15 * 60_000,
      }
      const path = join(detail.runDir, `remote-task-${submission}.json`)
      writeFileSync(path, JSON.stringify(manifest), { mode: 0o600 })
      chmodSync(path, 0o600)
      return path
    })
    const scriptPath = join(workDir, `${jobName}-${Date.now()}.sh`)
    writeFileSync(
      scriptPath,
      jobScript({
        jobName,
        manifests,
        settings,
        workbenchPath: settings.workbenchPath ?? this.options.workbenchPath,
        outputPattern: join(workDir, runs.length > 1 ? 'slurm-%A_%a.out' : 'slurm-%j.out'),
      }),
      { mode: 0o700 },
    )
    return scriptPath
  }

  /** The supervisor resumes a remote run: a new job from its checkpoint. */
  resubmit(runId: string, resumeFrom: string | undefined): void {
    const remote = this.options.store.remoteRuns.get(runId)!
    const runDir = this.options.store.getDetail(runId)!.runDir
    void this.submit(
      [{ runId, ...(resumeFrom ? { resumeFrom } : {}) }],
      remote.settings,
      `chase-${runId}`,
      runDir,
    )
  }

  /** `remote.push`: checks the run's token, stores new messages once, answers with what is stored and the command. */
  receive(push: RemotePushRequest): RemotePushResponse {
    const store = this.options.store
    if (!store.remoteRuns.tokenMatches(push.runId, push.token))
      throw new ApiError(
        'unauthorized',
        `This task's token is not valid for run ${push.runId} (a newer submission replaced it)`,
      )
    const remote = store.remoteRuns.get(push.runId)!
    const process = this.processes.get(push.runId)
    const lastSent = push.firstSeq + push.messages.length - 1
    if (!process || process.hasExited) {
      // The run ended here (its job was declared gone): nothing more can be recorded for it.
      return { acceptedThrough: Math.max(lastSent, remote.lastSeq), command: 'stop' }
    }
    const accepted = this.ingest(push.runId, process, push.firstSeq, push.messages, remote.lastSeq)
    if (push.exit && accepted >= lastSent) this.nodeExited(process, push.exit)
    return { acceptedThrough: accepted, command: remote.command }
  }

  /** Hands the sessions back without touching the jobs (host shutdown): the next host follows them again. */
  detachAll(): void {
    this.closed = true
    clearInterval(this.timer)
    this.processes.clear()
    for (const client of this.restClients.values()) void client.close?.()
    this.restClients.clear()
  }

  /** The supervisor's session of a run ended. */
  sessionEnded(runId: string, process: TrainerProcess): void {
    // A resume may have adopted a new process for the run already: only the ended one is forgotten.
    if (this.processes.get(runId) !== process) return
    this.processes.delete(runId)
    const state = this.options.store.remoteRuns.get(runId)?.jobState
    if (state && slurmState(state).alive) this.settling.add(runId)
    if (this.autoResubmit.has(runId) && !this.closed) {
      try {
        this.supervisor?.resume(runId)
      } catch (error) {
        this.autoResubmit.delete(runId)
        this.options.logger.error(`run ${runId}: automatic resubmission failed: ${(error as Error).message}`)
      }
    }
    if (this.processes.size === 0 && this.settling.size === 0) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  /** One round of following (tests call it directly instead of waiting for the timer). */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => (this.polling = undefined))
    return this.polling
  }

  private adopt(runId: string): void {
    this.settling.delete(runId)
    const process = new RemoteTrainerProcess({
      command: (command) => this.command(runId, command),
      kill: () => this.cancel(runId),
    })
    this.processes.set(runId, process)
    this.supervisor!.adoptRemote(runId, process)
    this.timer ??= setInterval(() => void this.poll(), this.options.pollIntervalMs ?? 3_000)
    this.timer.unref()
  }

  private ingest(
    runId: string,
    process: RemoteTrainerProcess,
    firstSeq: number,
    messages: readonly unknown[],
    lastSeq: number,
  ): number {
    let last = lastSeq
    for (let i = 0; i < messages.length; i++) {
      const seq = firstSeq + i
      if (seq <= last) continue // already stored: a resend after a lost answer
      if (seq > last + 1) break // a gap: the node resends from what we acknowledge
      process.deliver(messages[i])
      last = seq
    }
    if (last !== lastSeq) {
      // What is acknowledged must be on disk first: the node forgets it once we say so.
      this.supervisor!.flusher.flush()
      this.options.store.remoteRuns.setLastSeq(runId, last)
    }
    return last
  }

  private nodeExited(process: RemoteTrainerProcess, exit: SpoolExit): void {
    process.exit({
      code: exit.code,
      signal: exit.signal,
      ...(exit.stderrTail ? { stderrTail: exit.stderrTail } : {}),
    })
  }

  private command(runId: string, command: RemoteCommand): void {
    const store = this.options.store
    store.remoteRuns.setCommand(runId, command)
    // A job still waiting in the queue has no trainer to ask: take it out of the queue.
    if (
      command === 'stop' &&
      slurmState(store.remoteRuns.get(runId)?.jobState ?? 'PENDING').name === 'PENDING'
    )
      this.cancel(runId)
  }

  private cancel(runId: string): void {
    const remote = this.options.store.remoteRuns.get(runId)
    const jobId = remote?.jobId
    if (!remote || !jobId) return
    this.clientFor(remote.settings)
      .scancel(jobId)
      .catch((error: unknown) => this.options.logger.warn(`scancel ${jobId}: ${(error as Error).message}`))
  }

  private async pollOnce(): Promise<void> {
    const store = this.options.store
    const followed = [...this.processes.entries()]
      .filter(([runId, process]) => !process.hasExited && !this.submitting.has(runId))
      .map(([runId, process]) => ({ runId, process, remote: store.remoteRuns.get(runId) }))
      .filter((f) => f.remote?.jobId)
    const settling = [...this.settling]
      .map((runId) => ({ runId, jobId: store.remoteRuns.get(runId)?.jobId }))
      .filter((s): s is { runId: string; jobId: string } => typeof s.jobId === 'string')
    if (followed.length === 0 && settling.length === 0) return
    // Each run is asked of the client its settings name (command line or a slurmrestd).
    const asked = new Map<SlurmCli, string[]>()
    for (const runId of [...followed.map((f) => f.runId), ...settling.map((s) => s.runId)]) {
      const remote = store.remoteRuns.get(runId)!
      const client = this.clientFor(remote.settings)
      asked.set(client, [...(asked.get(client) ?? []), remote.jobId!])
    }
    const jobs = new Map<string, JobInfo>()
    try {
      for (const [client, jobIds] of asked)
        for (const [jobId, info] of await client.jobs(jobIds)) jobs.set(jobId, info)
    } catch (error) {
      this.options.logger.warn(`cannot ask Slurm about its jobs: ${(error as Error).message}`)
      return
    }
    if (this.closed) return
    for (const { runId, jobId } of settling) {
      const info = jobs.get(jobId)
      // Only while the job is still this run's (a resubmission replaces it).
      if (store.remoteRuns.get(runId)?.jobId === jobId && info)
        store.remoteRuns.setJobState(runId, slurmState(info.state).name, info.reason)
      if (!info || !slurmState(info.state).alive || store.remoteRuns.get(runId)?.jobId !== jobId)
        this.settling.delete(runId)
    }
    for (const { runId, process, remote } of followed) {
      if (this.processes.get(runId) !== process || process.hasExited) continue
      const jobId = remote!.jobId!
      const info = jobs.get(jobId)
      if (info && (info.state !== remote!.jobState || info.reason !== remote!.jobReason))
        store.remoteRuns.setJobState(runId, slurmState(info.state).name, info.reason)
      const meaning = info ? slurmState(info.state) : undefined
      if (meaning?.alive) continue
      // The job is over: take what the node could not hand in from its spool on the shared filesystem.
      const spool = readSpool(
        join(store.getDetail(runId)!.runDir, `remote-spool-${remote!.submissions}.jsonl`),
      )
      const current = store.remoteRuns.get(runId)!
      const entries = spool.entries.filter((e) => e.seq > current.lastSeq)
      if (entries.length > 0) {
        this.options.logger.info(`run ${runId}: ${entries.length} message(s) taken from the node's spool`)
        this.ingest(
          runId,
          process,
          entries[0]!.seq,
          entries.map((e) => e.message),
          current.lastSeq,
        )
      }
      if (spool.exit && meaning?.end !== 'interrupted') {
        this.nodeExited(process, spool.exit)
        continue
      }
      if (meaning?.retryable && current.autoResubmits < current.settings.maxAutoResubmits)
        this.autoResubmit.add(runId)
      process.exit(exitFromSlurm(jobId, info, meaning))
    }
  }
}

/** How a job that ended without the node's own report ended, in the supervisor's terms. */
export function exitFromSlurm(
  jobId: string,
  info: JobInfo | undefined,
  meaning: ReturnType<typeof slurmState> | undefined,
): TrainerExit {
  if (!info || !meaning)
    return { code: null, signal: null, reason: 'killed', detail: `Slurm no longer knows job ${jobId}` }
  const detail = `Slurm job ${jobId} ${meaning.words}${info.reason ? ` (${info.reason})` : ''}`
  if (meaning.end === 'completed') return { code: info.exitCode ?? 0, signal: null, detail }
  if (meaning.name === 'OUT_OF_MEMORY') return { code: info.exitCode, signal: null, reason: 'oom', detail }
  if (meaning.end === 'failed') return { code: info.exitCode ?? 1, signal: null, reason: 'crashed', detail }
  return { code: null, signal: null, reason: 'killed', detail }
}
