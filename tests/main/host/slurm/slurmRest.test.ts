import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { restJobProperties, slurmTimeToMinutes } from '../../../../src/main/host/slurm/restJobProperties'
import {
  arrayTaskIds,
  jobInfosOf,
  slurmRest,
  taskEnvironment,
} from '../../../../src/main/host/slurm/slurmRest'
import { slurmState } from '../../../../src/main/host/slurm/slurmStates'
import { jobScript } from '../../../../src/main/host/slurm/jobScript'
import { SlurmSettings } from '../../../../src/shared/sweep/sweepSpec'
import { eventually, noRestReason, restSettings, restAnswers, slurmRequired } from './slurmCluster'

describe('slurmrestd requests', () => {
  it('turns the job script’s #SBATCH lines into the job properties slurmrestd takes', () => {
    const script = jobScript({
      jobName: 'chase-x',
      manifests: ['/a.json', '/b.json'],
      settings: SlurmSettings.parse({
        partition: 'gpu',
        timeLimit: '1-02:00:30',
        gpusPerTask: 1,
        account: 'proj',
        extraSbatch: ['--qos=short'],
      }),
      workbenchPath: '/w/bin/chase-workbench',
      outputPattern: '/out/slurm-%A_%a.out',
    })
    expect(restJobProperties(script)).toEqual({
      name: 'chase-x',
      standard_output: '/out/slurm-%A_%a.out',
      tasks: 1,
      cpus_per_task: 1,
      array: '0-1',
      partition: 'gpu',
      time_limit: 24 * 60 + 121,
      tres_per_task: 'gres:gpu:1',
      account: 'proj',
      qos: 'short',
    })
  })

  it('refuses sbatch options it cannot send, naming them', () => {
    expect(() => restJobProperties('#SBATCH --exclusive\n')).toThrow(
      /--exclusive cannot be sent through slurmrestd/,
    )
    expect(() => restJobProperties('#SBATCH -p gpu\n')).toThrow(/long form/)
  })

  it('reads Slurm times and array task strings', () => {
    expect(slurmTimeToMinutes('30')).toBe(30)
    expect(slurmTimeToMinutes('02:00:00')).toBe(120)
    expect(slurmTimeToMinutes('10:30')).toBe(11)
    expect(() => slurmTimeToMinutes('soon')).toThrow(/not a Slurm time/)
    expect(arrayTaskIds('0-3%2')).toEqual([0, 1, 2, 3])
    expect(arrayTaskIds('0,2-3')).toEqual([0, 2, 3])
  })

  it('names array tasks ArrayJobId_TaskId and expands a pending array’s shared record', () => {
    const base = { job_id: 50, job_state: 'PENDING', state_reason: 'Resources', exit_code: 0 }
    expect(jobInfosOf({ ...base, array_job_id: 50, array_task_string: '1-2' }).map((j) => j.jobId)).toEqual([
      '50_1',
      '50_2',
    ])
    expect(
      jobInfosOf({ ...base, job_id: 51, array_job_id: 50, array_task_id: 0, exit_code: 256 * 3 })[0],
    ).toEqual({
      jobId: '50_0',
      state: 'PENDING',
      reason: 'Resources',
      exitCode: 3,
      exitSignal: 0,
    })
    expect(jobInfosOf({ ...base, array_job_id: 0 })[0]!.jobId).toBe('50')
  })

  it('gives the task a PATH and the workbench’s variables, not the token', () => {
    expect(
      taskEnvironment({
        PATH: '/n/bin',
        HOME: '/h',
        CHASE_WORKBENCH_DATA: '/d',
        SLURM_JWT: 'secret',
        OTHER: 'x',
      }),
    ).toEqual({ PATH: '/n/bin', HOME: '/h', CHASE_WORKBENCH_DATA: '/d' })
  })

  it('says where slurmrestd was expected when nothing listens there', async () => {
    const client = slurmRest({ settings: { url: 'unix:/nonexistent/slurmrestd.sock' } })
    await expect(client.jobs(['1'])).rejects.toThrow(/unix:\/nonexistent\/slurmrestd.sock.*cannot be reached/)
    await client.close?.()
  })

  it('asks for the token variable when it is empty', async () => {
    const client = slurmRest({
      settings: { url: 'http://127.0.0.1:1', tokenEnv: 'CHASE_NO_SUCH_TOKEN' },
      env: {},
    })
    await expect(client.jobs(['1'])).rejects.toThrow(/set \$CHASE_NO_SUCH_TOKEN/)
    await client.close?.()
  })
})

const runRest = restAnswers || slurmRequired

describe('a slurmrestd for the REST executor tests', () => {
  it.runIf(slurmRequired)('answers in CI (scripts/slurm-dev-cluster.sh starts one)', () => {
    expect(restAnswers, noRestReason).toBe(true)
  })
})

describe.skipIf(!runRest)(
  `jobs through a real slurmrestd${runRest ? '' : ` (skipped: ${noRestReason})`}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'chase-rest-'))
    const client = slurmRest({ settings: restSettings })
    afterAll(async () => {
      await client.close?.()
      rmSync(dir, { recursive: true, force: true })
    })

    const script = (body: string, sbatch: string[]) => {
      const path = join(dir, `job-${Date.now()}-${Math.random().toString(36).slice(2)}.sh`)
      writeFileSync(path, ['#!/bin/bash', ...sbatch.map((l) => `#SBATCH ${l}`), body, ''].join('\n'), {
        mode: 0o700,
      })
      return path
    }

    it('submits a 2-task array and follows both tasks to COMPLETED, exit codes and output included', async () => {
      const path = script('echo "task $SLURM_ARRAY_TASK_ID"; exit $SLURM_ARRAY_TASK_ID', [
        '--job-name=chase-rest-array',
        `--output=${dir}/array-%A_%a.out`,
        '--array=0-1',
        '--time=00:05:00',
      ])
      const jobId = await client.sbatch(path)
      expect(jobId).toMatch(/^\d+$/)
      const ids = [`${jobId}_0`, `${jobId}_1`]
      let seen = new Map<string, { state: string; exitCode: number | null }>()
      await eventually(
        () => ids.every((id) => seen.get(id) && !slurmState(seen.get(id)!.state).alive),
        'both array tasks to end',
        120_000,
        () => [...seen.entries()],
        async () => (seen = await client.jobs(ids)),
      )
      expect(seen.get(ids[0]!)).toMatchObject({ state: 'COMPLETED', exitCode: 0 })
      // Task 1 exits 1: Slurm calls that FAILED, with the code.
      expect(seen.get(ids[1]!)).toMatchObject({ state: 'FAILED', exitCode: 1 })
      expect(readFileSync(`${dir}/array-${jobId}_0.out`, 'utf8')).toContain('task 0')
      expect(readFileSync(`${dir}/array-${jobId}_1.out`, 'utf8')).toContain('task 1')
    })

    it('cancels one task of a running array and leaves the other running', async () => {
      const path = script('sleep 120', [
        '--job-name=chase-rest-cancel',
        `--output=${dir}/c-%A_%a.out`,
        '--array=0-1',
      ])
      const jobId = await client.sbatch(path)
      const [first, second] = [`${jobId}_0`, `${jobId}_1`]
      let seen = new Map<string, { state: string }>()
      await eventually(
        () => seen.get(first)?.state === 'RUNNING' && seen.get(second)?.state === 'RUNNING',
        'both tasks to run',
        120_000,
        () => [...seen.entries()],
        async () => (seen = await client.jobs([first, second])),
      )
      await client.scancel(second)
      await eventually(
        () => seen.get(second)?.state === 'CANCELLED',
        'the cancelled task to be CANCELLED',
        60_000,
        () => [...seen.entries()],
        async () => (seen = await client.jobs([first, second])),
      )
      expect(seen.get(first)?.state).toBe('RUNNING')
      await client.scancel(jobId)
    })

    it('turns Slurm’s errors into the reason', async () => {
      await expect(client.scancel('999999999')).rejects.toThrow(
        /cancel of job 999999999 failed.*(Invalid job id|Unable to find)/i,
      )
      const bad = script('true', ['--partition=no-such-partition'])
      await expect(client.sbatch(bad)).rejects.toThrow(/submit of .* failed.*partition/i)
    })
  },
)

// A slurmrestd of our own on a unix socket with rest_auth/local (it refuses root: the dev cluster's
// `slurmrestd` user runs it, and the job runs as that user).
const restUserId = spawnSync('id', ['-u', 'slurmrestd'], { encoding: 'utf8' })
const canRunLocalRest = runRest && process.getuid?.() === 0 && restUserId.status === 0
describe.skipIf(!canRunLocalRest)(
  `a job through slurmrestd on a unix socket${canRunLocalRest ? '' : ' (skipped: needs root, the slurmrestd user and slurmrestd)'}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'chase-rest-unix-'))
    const socket = join(dir, 'slurmrestd.sock')
    let daemon: ChildProcess | undefined
    afterAll(() => {
      daemon?.kill()
      rmSync(dir, { recursive: true, force: true })
    })

    it('submits and follows a job over the socket, without a token', async () => {
      const uid = Number(restUserId.stdout.trim())
      chmodSync(dir, 0o755)
      chownSync(dir, uid, -1)
      daemon = spawn(
        'runuser',
        [
          '-u',
          'slurmrestd',
          '--',
          'slurmrestd',
          '-a',
          'rest_auth/local',
          '-s',
          'openapi/v0.0.38',
          `unix:${socket}`,
        ],
        { stdio: 'ignore' },
      )
      let listening = false
      await eventually(
        () => listening,
        'slurmrestd to listen on its socket',
        15_000,
        undefined,
        async () => (listening = existsSync(socket)),
      )
      const client = slurmRest({ settings: { url: `unix:${socket}`, user: 'slurmrestd' } })
      const path = join(dir, 'job.sh')
      writeFileSync(path, `#!/bin/bash\n#SBATCH --output=${dir}/unix-%j.out\necho "as $(id -un)"\n`, {
        mode: 0o755,
      })
      const jobId = await client.sbatch(path)
      let seen = new Map<string, { state: string }>()
      await eventually(
        () => seen.get(jobId)?.state === 'COMPLETED',
        'the job to complete',
        120_000,
        () => [...seen.entries()],
        async () => (seen = await client.jobs([jobId])),
      )
      expect(readFileSync(join(dir, `unix-${jobId}.out`), 'utf8')).toContain('as slurmrestd')
      await client.close?.()
    })
  },
)
