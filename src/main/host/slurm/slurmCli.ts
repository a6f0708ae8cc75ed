import { execFile } from 'node:child_process'

/** The Slurm commands the executor runs, each with a bounded wait and an error that names the command. */

export interface JobInfo {
  readonly jobId: string
  readonly state: string
  readonly reason: string | null
  /** `code:signal` as Slurm reports it, when known. */
  readonly exitCode: number | null
  readonly exitSignal: number | null
}

export interface SlurmCli {
  sbatch(scriptPath: string): Promise<string>
  /** Jobs Slurm still knows of (queue first, then recently ended ones); missing ids are unknown to Slurm. */
  jobs(jobIds: readonly string[]): Promise<Map<string, JobInfo>>
  scancel(jobId: string, signal?: string): Promise<void>
  /** Frees connections (slurmrestd's client). */
  close?(): Promise<void>
}

export class SlurmCommandError extends Error {
  override readonly name = 'SlurmCommandError'
}

function run(command: string, args: readonly string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
          reject(
            new SlurmCommandError(
              missing
                ? `${command} is not on the PATH: run the workbench on a Slurm login node (or install slurm-client)`
                : `${command} ${args.join(' ')} failed: ${(stderr || error.message).trim().slice(0, 500)}`,
            ),
          )
        } else resolve(stdout)
      },
    )
  })
}

/** `Submitted batch job 123` → `123` (`--parsable` prints `123` or `123;cluster`). */
export function parseSbatch(stdout: string): string {
  const id = stdout.trim().split(/[;\s]/)[0] ?? ''
  if (!/^\d+$/.test(id))
    throw new SlurmCommandError(`sbatch printed no job id: "${stdout.trim().slice(0, 200)}"`)
  return id
}

/** `squeue -h -a -r -o '%i|%T|%r'` lines → job info (array tasks appear as `123_4`). */
export function parseSqueue(stdout: string): JobInfo[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [jobId = '', state = '', reason = ''] = line.split('|')
      return {
        jobId,
        state,
        reason: reason && reason !== 'None' ? reason : null,
        exitCode: null,
        exitSignal: null,
      }
    })
}

/** `scontrol show job -o <id>`: one line of key=value pairs per job (array tasks: ArrayJobId + ArrayTaskId). */
export function parseScontrol(stdout: string): JobInfo[] {
  return stdout
    .split('\n')
    .filter((line) => line.includes('JobState='))
    .map((line) => {
      const field = (key: string) => new RegExp(`(?:^|\\s)${key}=(\\S*)`).exec(line)?.[1] ?? null
      const arrayJob = field('ArrayJobId')
      const arrayTask = field('ArrayTaskId')
      const jobId =
        arrayJob && arrayTask && /^\d+$/.test(arrayTask) ? `${arrayJob}_${arrayTask}` : (field('JobId') ?? '')
      const [code, signal] = (field('ExitCode') ?? '')
        .split(':')
        .map((n) => (n === undefined || n === '' ? null : Number(n)))
      const reason = field('Reason')
      return {
        jobId,
        state: field('JobState') ?? 'UNKNOWN',
        reason: reason && reason !== 'None' ? reason : null,
        exitCode: code ?? null,
        exitSignal: signal ?? null,
      }
    })
}

/** `sacct -n -P -X -o JobID,State,ExitCode,Reason` (clusters with accounting keep ended jobs for long). */
export function parseSacct(stdout: string): JobInfo[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [jobId = '', state = '', exit = '', reason = ''] = line.split('|')
      const [code, signal] = exit.split(':').map(Number)
      return {
        jobId,
        state,
        reason: reason && reason !== 'None' ? reason : null,
        exitCode: Number.isFinite(code) ? code! : null,
        exitSignal: Number.isFinite(signal) ? signal! : null,
      }
    })
}

export interface SlurmCliOptions {
  /** Folder holding sbatch, squeue, … when they are not on the PATH. */
  readonly binDir?: string
}

/** The command-line client: sbatch/squeue/scontrol/sacct/scancel. */
export function slurmCommandLine(options: SlurmCliOptions = {}): SlurmCli {
  const bin = (name: string) => (options.binDir ? `${options.binDir}/${name}` : name)
  return {
    async sbatch(scriptPath) {
      return parseSbatch(await run(bin('sbatch'), ['--parsable', scriptPath]))
    },
    async jobs(jobIds) {
      const found = new Map<string, JobInfo>()
      if (jobIds.length === 0) return found
      const wanted = new Set(jobIds)
      for (const job of parseSqueue(await run(bin('squeue'), ['-h', '-a', '-r', '-o', '%i|%T|%r'])))
        if (wanted.has(job.jobId)) found.set(job.jobId, job)
      for (const jobId of jobIds.filter((id) => !found.has(id))) {
        // Ended jobs: scontrol remembers them for MinJobAge; sacct where accounting is on.
        const info =
          (await run(bin('scontrol'), ['show', 'job', '-o', jobId]).then(parseScontrol, () => [])).find(
            (j) => j.jobId === jobId,
          ) ??
          (
            await run(bin('sacct'), [
              '-n',
              '-P',
              '-X',
              '-j',
              jobId,
              '-o',
              'JobID,State,ExitCode,Reason',
            ]).then(parseSacct, () => [])
          ).find((j) => j.jobId === jobId)
        if (info) found.set(jobId, info)
      }
      return found
    },
    async scancel(jobId, signal) {
      await run(bin('scancel'), signal ? [`--signal=${signal}`, '--full', jobId] : [jobId])
    },
  }
}
