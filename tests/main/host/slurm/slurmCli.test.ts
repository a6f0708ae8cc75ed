import { describe, expect, it } from 'vitest'
import { parseSacct, parseSbatch, parseScontrol, parseSqueue } from '../../../../src/main/host/slurm/slurmCli'
import { jobScript, shellQuote } from '../../../../src/main/host/slurm/jobScript'
import { slurmState } from '../../../../src/main/host/slurm/slurmStates'
import { exitFromSlurm, apiUrlOf } from '../../../../src/main/host/slurm/slurmExecutor'
import { classifyExit } from '../../../../src/main/host/exitReason'
import { SlurmSettings } from '../../../../src/shared/sweep/sweepSpec'

describe('reading Slurm', () => {
  it('takes the job id sbatch --parsable prints, and refuses anything else', () => {
    expect(parseSbatch('1234\n')).toBe('1234')
    expect(parseSbatch('1234;cluster\n')).toBe('1234')
    expect(() => parseSbatch('sbatch: error: Batch job submission failed')).toThrow(/no job id/)
  })

  it('reads squeue lines with array tasks and reasons', () => {
    expect(parseSqueue('12_0|RUNNING|None\n12_1|PENDING|Resources\n')).toEqual([
      { jobId: '12_0', state: 'RUNNING', reason: null, exitCode: null, exitSignal: null },
      { jobId: '12_1', state: 'PENDING', reason: 'Resources', exitCode: null, exitSignal: null },
    ])
  })

  it('reads scontrol one-liners, naming array tasks by ArrayJobId_ArrayTaskId', () => {
    const line =
      'JobId=15 ArrayJobId=13 ArrayTaskId=2 JobName=x JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:15 RunTime=00:01:00'
    expect(parseScontrol(`${line}\n`)).toEqual([
      { jobId: '13_2', state: 'TIMEOUT', reason: 'TimeLimit', exitCode: 0, exitSignal: 15 },
    ])
    expect(parseScontrol('JobId=7 JobName=y JobState=COMPLETED Reason=None ExitCode=0:0')[0]).toMatchObject({
      jobId: '7',
      state: 'COMPLETED',
      reason: null,
    })
  })

  it('reads sacct rows', () => {
    expect(parseSacct('20_1|NODE_FAIL|0:0|None\n')).toEqual([
      { jobId: '20_1', state: 'NODE_FAIL', reason: null, exitCode: 0, exitSignal: 0 },
    ])
  })

  it('maps every Slurm state to alive, or to how the run ends', () => {
    expect(slurmState('PENDING').alive).toBe(true)
    expect(slurmState('CANCELLED by 0')).toMatchObject({
      name: 'CANCELLED',
      alive: false,
      end: 'interrupted',
    })
    expect(slurmState('TIMEOUT')).toMatchObject({ end: 'interrupted', retryable: true })
    expect(slurmState('NODE_FAIL')).toMatchObject({ end: 'interrupted', retryable: true })
    expect(slurmState('PREEMPTED')).toMatchObject({ end: 'interrupted', retryable: true })
    expect(slurmState('FAILED')).toMatchObject({ end: 'failed' })
    expect(slurmState('COMPLETED')).toMatchObject({ end: 'completed' })
    expect(slurmState('SOMETHING_NEW').alive).toBe(true)
  })

  it('turns a job that ended without its node reporting into an interrupted or failed run with Slurm’s words', () => {
    const timeout = classifyExit(
      exitFromSlurm(
        '9_1',
        { jobId: '9_1', state: 'TIMEOUT', reason: 'TimeLimit', exitCode: 0, exitSignal: 15 },
        slurmState('TIMEOUT'),
      ),
    )
    expect(timeout.reason).toBe('killed')
    expect(timeout.message).toMatch(/^Slurm job 9_1 hit its time limit \(TimeLimit\); resume continues/)
    const failed = classifyExit(
      exitFromSlurm(
        '9_2',
        { jobId: '9_2', state: 'FAILED', reason: null, exitCode: 3, exitSignal: 0 },
        slurmState('FAILED'),
      ),
    )
    expect(failed.reason).toBe('crashed')
    expect(failed.message).toMatch(/^Slurm job 9_2 failed on the node: /)
    expect(classifyExit(exitFromSlurm('9_3', undefined, undefined)).message).toMatch(
      /no longer knows job 9_3/,
    )
  })

  it('gives the nodes the WebSocket API of the served address, token kept', () => {
    expect(apiUrlOf('http://127.0.0.1:4680/')).toBe('ws://127.0.0.1:4680/api')
    expect(apiUrlOf('http://login1:4680/?token=abc')).toBe('ws://login1:4680/api?token=abc')
    expect(apiUrlOf('https://example.org/')).toBe('wss://example.org/api')
  })
})

describe('jobScript', () => {
  it('writes an sbatch array with the executor settings, one manifest per task', () => {
    const script = jobScript({
      jobName: 'chase-sweep-1',
      manifests: ['/shared/runs/a/remote-task-1.json', "/shared/runs/it's/remote-task-1.json"],
      settings: SlurmSettings.parse({
        partition: 'gpu',
        timeLimit: '02:00:00',
        gpusPerTask: 1,
        account: 'lab',
        extraSbatch: ['--qos=short'],
      }),
      workbenchPath: '/shared/chase-workbench/bin/chase-workbench',
      outputPattern: '/shared/sweeps/s/slurm-%A_%a.out',
    })
    for (const line of [
      '#SBATCH --array=0-1',
      '#SBATCH --partition=gpu',
      '#SBATCH --time=02:00:00',
      '#SBATCH --gpus-per-task=1',
      '#SBATCH --account=lab',
      '#SBATCH --qos=short',
      '#SBATCH --output=/shared/sweeps/s/slurm-%A_%a.out',
      `manifests=('/shared/runs/a/remote-task-1.json' ${shellQuote("/shared/runs/it's/remote-task-1.json")})`,
      'exec \'/shared/chase-workbench/bin/chase-workbench\' remote-task --manifest "$manifest"',
    ])
      expect(script).toContain(line)
  })

  it('submits a single run as a plain job', () => {
    const script = jobScript({
      jobName: 'chase-r',
      manifests: ['/m.json'],
      settings: SlurmSettings.parse({}),
      workbenchPath: '/w',
      outputPattern: '/o-%j.out',
    })
    expect(script).not.toContain('--array')
    expect(script).not.toContain('--gpus-per-task')
  })

  it('refuses settings that would break the script', () => {
    expect(SlurmSettings.safeParse({ extraSbatch: ['--qos=x\nrm -rf /'] }).success).toBe(false)
    expect(SlurmSettings.safeParse({ timeLimit: 'two hours' }).success).toBe(false)
  })
})
