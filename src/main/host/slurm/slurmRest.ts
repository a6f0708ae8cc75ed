import { readFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { dirname } from 'node:path'
import { Agent, request, type Dispatcher } from 'undici'
import { z } from 'zod'
import type { SlurmRestSettings } from '../../../shared/sweep/sweepSpec'
import { restJobProperties } from './restJobProperties'
import { SlurmCommandError, type JobInfo, type SlurmCli } from './slurmCli'

/** The slurmrestd client (openapi v0.0.38, Slurm 22.05): the same contract as the command-line tools. */

const api = '/slurm/v0.0.38'

const SlurmErrors = z
  .array(
    z
      .object({
        error: z.string().optional(),
        description: z.string().optional(),
        error_number: z.number().optional(),
      })
      .loose(),
  )
  .default([])

const SubmitResponse = z.object({ errors: SlurmErrors, job_id: z.number().int().optional() }).loose()

const RestJob = z
  .object({
    job_id: z.number().int(),
    array_job_id: z.number().int().nullish(),
    array_task_id: z.number().int().nullish(),
    array_task_string: z.string().nullish(),
    job_state: z.string(),
    state_reason: z.string().nullish(),
    exit_code: z.number().int().nullish(),
  })
  .loose()
type RestJob = z.infer<typeof RestJob>

const JobsResponse = z.object({ errors: SlurmErrors, jobs: z.array(RestJob).default([]) }).loose()
const PlainResponse = z.object({ errors: SlurmErrors }).loose()

/** Slurm's `errors` array → one sentence (empty when there is none). */
export function slurmErrorText(errors: z.infer<typeof SlurmErrors>): string {
  return errors
    .map((e) => [e.description, e.error].filter(Boolean).join(': ') || `error ${e.error_number ?? '?'}`)
    .join('; ')
}

/** `0-3`, `0,2-5`, `0-7%2` → the task numbers. */
export function arrayTaskIds(taskString: string): number[] {
  const ids: number[] = []
  for (const part of taskString.split('%')[0]!.split(',')) {
    const [from, to, step] = part.split(/[-:]/).map(Number)
    if (from === undefined || !Number.isInteger(from)) continue
    for (let i = from; i <= (to ?? from); i += step || 1) ids.push(i)
  }
  return ids
}

/** 22.05 reports a wait status (code << 8 | signal) as `exit_code`. */
function exitOf(status: number | null | undefined): { exitCode: number | null; exitSignal: number | null } {
  if (status === null || status === undefined) return { exitCode: null, exitSignal: null }
  return { exitCode: (status >> 8) & 0xff, exitSignal: status & 0x7f }
}

/** One REST job → the ids the executor uses (`123`, or `123_4` per array task; a pending array: every task). */
export function jobInfosOf(job: RestJob): JobInfo[] {
  const reason = job.state_reason && job.state_reason !== 'None' ? job.state_reason : null
  const base = { state: job.job_state, reason, ...exitOf(job.exit_code) }
  const arrayJob = job.array_job_id ?? 0
  if (arrayJob === 0) return [{ jobId: String(job.job_id), ...base }]
  if (typeof job.array_task_id === 'number') return [{ jobId: `${arrayJob}_${job.array_task_id}`, ...base }]
  // The array's tasks that have not started yet share one record.
  return arrayTaskIds(job.array_task_string ?? '').map((task) => ({ jobId: `${arrayJob}_${task}`, ...base }))
}

/**
 * What the task's environment gets (sbatch would copy all of the host's; slurmrestd copies none): a PATH
 * to find node and the workbench's own variables (e.g. CHASE_WORKBENCH_DATA), never the REST token.
 */
export function taskEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = { PATH: env.PATH ?? '/usr/bin:/bin', HOME: env.HOME ?? '/' }
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && (name.startsWith('CHASE_WORKBENCH_') || name === 'LANG' || name === 'TZ'))
      result[name] = value
  return result
}

export interface SlurmRestOptions {
  readonly settings: SlurmRestSettings
  /** Where the token variable is read (default: this process's environment). */
  readonly env?: NodeJS.ProcessEnv
  readonly timeoutMs?: number
}

/** A client of slurmrestd at `settings.url` (`http(s)://…` or `unix:/path`). */
export function slurmRest(options: SlurmRestOptions): SlurmCli {
  const { settings } = options
  const unix = settings.url.startsWith('unix:')
  const origin = unix ? 'http://localhost' : settings.url.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? 60_000
  const dispatcher: Dispatcher = new Agent({
    ...(unix ? { connect: { socketPath: settings.url.slice('unix:'.length) } } : {}),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  })
  const user = settings.user ?? userInfo().username

  function headers(): Record<string, string> {
    const result: Record<string, string> = { 'content-type': 'application/json', 'x-slurm-user-name': user }
    if (settings.tokenEnv) {
      // `scontrol token` prints `SLURM_JWT=…`: either form is accepted.
      const token = (options.env ?? process.env)[settings.tokenEnv]?.replace(/^SLURM_JWT=/, '')
      if (!token)
        throw new SlurmCommandError(
          `slurmrestd needs a token: set $${settings.tokenEnv} (e.g. export $(scontrol token username=${user} lifespan=86400))`,
        )
      result['x-slurm-user-token'] = token
    }
    return result
  }

  async function call<T extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: T,
    body?: unknown,
  ): Promise<{ status: number; data: z.infer<T> }> {
    const what = `slurmrestd ${method} ${path} (${settings.url})`
    let status: number
    let text: string
    try {
      const response = await request(`${origin}${path}`, {
        method,
        headers: headers(),
        dispatcher,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      })
      status = response.statusCode
      text = await response.body.text()
    } catch (error) {
      if (error instanceof SlurmCommandError) throw error
      throw new SlurmCommandError(
        `${what} cannot be reached: ${(error as Error).message} (is slurmrestd running there?)`,
      )
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new SlurmCommandError(`${what} answered ${status}, not JSON: "${text.trim().slice(0, 300)}"`)
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success)
      throw new SlurmCommandError(
        `${what} answered ${status} in an unexpected shape (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`,
      )
    return { status, data: parsed.data }
  }

  const failure = (what: string, status: number, errors: z.infer<typeof SlurmErrors>) =>
    new SlurmCommandError(
      `slurmrestd ${what} failed (HTTP ${status}): ${slurmErrorText(errors) || 'no reason given'}` +
        (status === 401 || status === 403 ? ' (check slurm.rest.user and the token)' : ''),
    )

  return {
    async sbatch(scriptPath) {
      const script = readFileSync(scriptPath, 'utf8')
      const job = {
        ...restJobProperties(script),
        current_working_directory: dirname(scriptPath),
        environment: taskEnvironment(process.env),
      }
      const { status, data } = await call('POST', `${api}/job/submit`, SubmitResponse, { script, job })
      if (data.errors.length > 0 || data.job_id === undefined || status >= 400)
        throw failure(`submit of ${scriptPath}`, status, data.errors)
      return String(data.job_id)
    },
    async jobs(jobIds) {
      const found = new Map<string, JobInfo>()
      if (jobIds.length === 0) return found
      // One request for every job the controller still remembers (queue and MinJobAge), arrays expanded.
      const { status, data } = await call('GET', `${api}/jobs`, JobsResponse)
      if (status >= 400 || data.errors.length > 0) throw failure('jobs', status, data.errors)
      const wanted = new Set(jobIds)
      for (const job of data.jobs)
        for (const info of jobInfosOf(job)) if (wanted.has(info.jobId)) found.set(info.jobId, info)
      return found
    },
    async scancel(jobId, signal) {
      const query = signal ? `?signal=${encodeURIComponent(signal)}` : ''
      const { status, data } = await call(
        'DELETE',
        `${api}/job/${encodeURIComponent(jobId)}${query}`,
        PlainResponse,
      )
      if (status >= 400 || data.errors.length > 0)
        throw failure(`cancel of job ${jobId}`, status, data.errors)
    },
    close: () => dispatcher.close(),
  }
}
