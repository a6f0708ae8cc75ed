import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../../../src/shared/api/apiError'
import type { JobInfo, SlurmCli } from '../../../../src/main/host/slurm/slurmCli'
import { EventHub } from '../../../../src/main/host/eventHub'
import { tempDataDir, testHost } from '../hostHarness'
import { tinyConfig } from './slurmCluster'

/** Slurm as a table the test writes: what sbatch was given, what squeue would say, what was cancelled. */
function scriptedSlurm() {
  const jobs = new Map<string, JobInfo>()
  const cancelled: string[] = []
  const scripts: string[] = []
  let next = 100
  const cli: SlurmCli = {
    sbatch: (script) => {
      scripts.push(readFileSync(script, 'utf8'))
      return Promise.resolve(String(next++))
    },
    jobs: (ids) =>
      Promise.resolve(new Map(ids.filter((id) => jobs.has(id)).map((id) => [id, jobs.get(id)!]))),
    scancel: (jobId) => {
      cancelled.push(jobId)
      return Promise.resolve()
    },
  }
  const set = (jobId: string, state: string, reason: string | null = null) =>
    jobs.set(jobId, { jobId, state, reason, exitCode: 0, exitSignal: 0 })
  return { cli, cancelled, scripts, set }
}

describe('remote.push and the Slurm executor, with Slurm scripted', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  async function setup() {
    const t = tempDataDir()
    const slurm = scriptedSlurm()
    const host = testHost(t.dir, {}, { slurm: { cli: slurm.cli, pollIntervalMs: 60_000 } })
    cleanups.push(t.cleanup, () => host.close(2_000))
    host.slurm.setServedUrl('http://127.0.0.1:4839/')
    const sweep = host.sweeps.create({
      base: tinyConfig(),
      axes: [{ path: 'system.seed', values: [41] }],
      combine: 'grid',
      executor: 'slurm',
      slurm: { gpusPerTask: 0, cpusPerTask: 1, extraSbatch: [], maxAutoResubmits: 1 },
    })
    const runId = sweep.cellRecords[0]!.runId!
    await expect.poll(() => host.store.remoteRuns.get(runId)?.jobId).toBe('100')
    const manifest = JSON.parse(
      readFileSync(join(host.store.getDetail(runId)!.runDir, 'remote-task-1.json'), 'utf8'),
    ) as {
      token: string
      apiUrl: string
    }
    const client = { client: new EventHub().connect(() => {}) }
    const push = (request: Record<string, unknown>) =>
      host.api.call(
        'remote.push',
        { runId, token: manifest.token, firstSeq: 1, messages: [], ...request },
        client,
      ) as Promise<{
        acceptedThrough: number
        command: string
      }>
    return { host, slurm, runId, manifest, push }
  }

  const progress = (step: number) => ({
    type: 'progress',
    step,
    totalSteps: 8,
    epoch: 0,
    epochs: 1,
    imagesPerSecond: 10,
    etaSeconds: 1,
  })
  const metrics = (step: number) => ({
    type: 'metrics',
    points: [{ key: 'train/loss', step, value: 1 / (step + 1) }],
  })

  it('writes a job array script and a manifest pointing the node at the API with its token', async () => {
    const { slurm, manifest } = await setup()
    expect(manifest.apiUrl).toBe('ws://127.0.0.1:4839/api')
    expect(manifest.token).toMatch(/^[0-9a-f]{64}$/)
    expect(slurm.scripts[0]).toContain('remote-task --manifest')
  })

  it('refuses a push with a wrong token', async () => {
    const { push } = await setup()
    await expect(push({ token: 'f'.repeat(64) })).rejects.toMatchObject({
      code: 'unauthorized',
    } satisfies Partial<ApiError>)
  })

  it('stores each message once, whatever is resent, and waits for a gap to be filled', async () => {
    const { host, runId, push } = await setup()
    expect(
      (await push({ messages: [{ type: 'ready', pid: 1, node: 'v20' }, progress(1), metrics(1)] }))
        .acceptedThrough,
    ).toBe(3)
    // The answer was lost: the node sends the same batch again, plus one more.
    expect(
      (
        await push({
          messages: [{ type: 'ready', pid: 1, node: 'v20' }, progress(1), metrics(1), metrics(2)],
        })
      ).acceptedThrough,
    ).toBe(4)
    // A batch that starts past what is stored is not taken: the node resends from what we acknowledged.
    expect((await push({ firstSeq: 9, messages: [metrics(9)] })).acceptedThrough).toBe(4)
    const loss = host.store.series.metrics(runId, { keys: ['train/loss'] })[0]!
    expect(loss.steps).toEqual([1, 2])
    expect(host.store.getSummary(runId)!.status).toBe('running')
  })

  it('rejects a malformed message without harm and carries a stop back to the node', async () => {
    const { host, runId, push, slurm } = await setup()
    const answer = await push({ messages: [{ type: 'metrics', points: 'lots' }, progress(2)] })
    expect(answer.acceptedThrough).toBe(2)
    expect(host.logger.lines.some((l) => l.level === 'warn' && /invalid message/.test(l.message))).toBe(true)
    slurm.set('100', 'RUNNING')
    await host.slurm.poll()
    host.supervisor.stop(runId)
    expect((await push({ firstSeq: 3 })).command).toBe('stop')
    // A running job is asked, not cancelled.
    expect(slurm.cancelled).toEqual([])
    await push({ firstSeq: 3, exit: { code: 0, signal: null } })
    expect((await host.supervisor.waitFor(runId)).status).toBe('cancelled')
  })

  it('does not follow a resubmitted run until sbatch names its new job', async () => {
    const { host, runId, push, slurm } = await setup()
    slurm.set('100', 'RUNNING')
    await host.slurm.poll()
    host.supervisor.stop(runId)
    await push({ firstSeq: 1, exit: { code: 0, signal: null } })
    expect((await host.supervisor.waitFor(runId)).status).toBe('cancelled')
    slurm.set('100', 'COMPLETED')
    let answer: ((jobId: string) => void) | undefined
    slurm.cli.sbatch = () => new Promise((resolve) => (answer = resolve))
    host.supervisor.resume(runId)
    await expect.poll(() => answer).toBeDefined()
    // The store still names the stopped job 100 (completed): a poll now must not end the new session.
    await host.slurm.poll()
    expect(host.store.getSummary(runId)!.status).not.toBe('failed')
    answer!('101')
    await expect.poll(() => host.store.remoteRuns.get(runId)!.jobId).toBe('101')
    slurm.set('101', 'RUNNING')
    await host.slurm.poll()
    expect(host.store.getSummary(runId)!.status).not.toBe('failed')
    expect(host.supervisor.isActiveHere(runId)).toBe(true)
  })

  it('cancels a job still pending when its run is stopped', async () => {
    const { host, runId, slurm } = await setup()
    host.supervisor.stop(runId)
    expect(slurm.cancelled).toEqual(['100'])
  })

  it('marks a job that hit its time limit interrupted with Slurm’s reason, and resubmits it from its checkpoint up to the limit', async () => {
    const { host, runId, slurm } = await setup()
    slurm.set('100', 'TIMEOUT', 'TimeLimit')
    await host.slurm.poll()
    await expect.poll(() => host.store.remoteRuns.get(runId)!.jobId).toBe('101')
    const remote = host.store.remoteRuns.get(runId)!
    expect(remote.submissions).toBe(2)
    expect(remote.autoResubmits).toBe(1)
    const interrupted = host.store.series.events(runId, {
      kinds: ['status'] as never,
      afterId: 0,
      limit: 100,
    })
    expect(JSON.stringify(interrupted)).toMatch(/Slurm job 100 hit its time limit \(TimeLimit\)/)
    // The limit is 1: the second timeout stays interrupted.
    slurm.set('101', 'TIMEOUT', 'TimeLimit')
    await host.slurm.poll()
    await expect.poll(() => host.store.getSummary(runId)!.status).toBe('interrupted')
    await new Promise((r) => setTimeout(r, 200))
    expect(host.store.remoteRuns.get(runId)!.submissions).toBe(2)
  })

  it('fails the runs with sbatch’s words when the submission is refused', async () => {
    const t = tempDataDir()
    const slurm = scriptedSlurm()
    slurm.cli.sbatch = () => Promise.reject(new Error('sbatch: error: invalid partition specified: gpu'))
    const host = testHost(t.dir, {}, { slurm: { cli: slurm.cli } })
    cleanups.push(t.cleanup, () => host.close(2_000))
    host.slurm.setServedUrl('http://127.0.0.1:4839/')
    const sweep = host.sweeps.create({
      base: tinyConfig(),
      axes: [{ path: 'system.seed', values: [1, 2] }],
      combine: 'grid',
      executor: 'slurm',
      slurm: { partition: 'gpu', gpusPerTask: 0, cpusPerTask: 1, extraSbatch: [], maxAutoResubmits: 0 },
    })
    for (const cell of sweep.cellRecords) {
      const run = await host.supervisor.waitFor(cell.runId!)
      expect(run.status).toBe('failed')
      expect(run.failure?.message).toMatch(/invalid partition specified: gpu/)
    }
  })

  it('refuses a Slurm sweep when no address for the nodes is known, before creating any run', async () => {
    const t = tempDataDir()
    const host = testHost(t.dir, {}, { slurm: { cli: scriptedSlurm().cli } })
    cleanups.push(t.cleanup, () => host.close(2_000))
    expect(() =>
      host.sweeps.create({
        base: tinyConfig(),
        axes: [{ path: 'system.seed', values: [1, 2] }],
        combine: 'grid',
        executor: 'slurm',
        slurm: { gpusPerTask: 0, cpusPerTask: 1, extraSbatch: [], maxAutoResubmits: 0 },
      }),
    ).toThrow(/address the nodes can reach/)
    expect(host.store.db.prepare('SELECT COUNT(*) FROM runs').pluck().get()).toBe(0)
  })
})
