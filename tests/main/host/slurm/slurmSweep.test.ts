import { spawnSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { forkTrainerLauncher } from '../../../../src/main/host/forkTrainerLauncher'
import { trainerEntry } from '../../../../src/main/headless/cliHost'
import { startServer, type RunningServer } from '../../../../src/main/headless/server'
import type { Host } from '../../../../src/main/host/host'
import { tempDataDir, testHost } from '../hostHarness'
import {
  eventually,
  noSlurmReason,
  slurmAnswers,
  slurmRequired,
  tinyConfig,
  waitForMessage,
} from './slurmCluster'

const runSlurm = slurmAnswers || slurmRequired

describe('a Slurm cluster for the executor tests', () => {
  it.runIf(slurmRequired)('answers in CI (.ci/run starts one with scripts/slurm-dev-cluster.sh)', () => {
    expect(slurmAnswers, noSlurmReason).toBe(true)
  })
})

describe.skipIf(!runSlurm)(
  `sweeps on a real Slurm cluster${runSlurm ? '' : ` (skipped: ${noSlurmReason})`}`,
  () => {
    const cleanups: (() => Promise<void> | void)[] = []
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c()
    })

    async function openHost(dir: string, port = 0): Promise<{ host: Host; server: RunningServer }> {
      const host = testHost(
        dir,
        {},
        {
          launcher: forkTrainerLauncher({ entry: trainerEntry }),
          stopGraceMs: 60_000,
          slurm: { pollIntervalMs: 500 },
        },
      )
      const server = await startServer({ host, rendererDir: '/nonexistent', port })
      host.slurm.setServedUrl(server.url)
      let closed = false
      const close = async () => {
        if (closed) return
        closed = true
        await server.close()
        await host.close(5_000)
      }
      cleanups.push(close)
      return { host, server: { ...server, close } }
    }

    const cellRun = (host: Host, sweepId: string, cell: number) =>
      host.sweeps.detail(sweepId).cellRecords.find((c) => c.index === cell)!
    const jobOf = (host: Host, runId: string) => host.store.remoteRuns.get(runId)!.jobId!

    it('runs a 2 × 2 sweep as a job array: one cell stopped and resumed, one task killed mid-run and resumed', async () => {
      const t = tempDataDir()
      cleanups.push(t.cleanup)
      const { host } = await openHost(t.dir)
      const sweep = host.sweeps.create({
        name: 'slurm 2x2',
        // Longer runs with frequent checkpoints, so stop and kill land mid-run with a checkpoint behind them.
        base: tinyConfig(['data.trainLimit=600', 'optim.epochs=2', 'system.checkpointInterval=3']),
        axes: [
          { path: 'system.seed', values: [41, 42] },
          { path: 'channels.sparsity', values: [0, 0.3] },
        ],
        combine: 'grid',
        executor: 'slurm',
        slurm: { gpusPerTask: 0, cpusPerTask: 1, extraSbatch: [], maxAutoResubmits: 0 },
      })
      expect(sweep.cells).toBe(4)
      const stopped = cellRun(host, sweep.id, 1).runId!
      const killed = cellRun(host, sweep.id, 2).runId!
      await eventually(
        () => host.store.remoteRuns.get(killed)?.jobId !== null,
        'the job array to be submitted',
      )
      expect(jobOf(host, killed)).toMatch(/^\d+_2$/)

      // One cell stopped from its sweep: the node checkpoints and exits; the run is cancelled, then resumed.
      await waitForMessage(host, stopped, (m) => m.type === 'checkpoint')
      host.sweeps.stop(sweep.id, 1)
      await eventually(
        () => host.store.getSummary(stopped)!.status === 'cancelled',
        'the stopped cell to be cancelled',
      )
      expect(host.store.getSummary(stopped)!.lastCheckpointStep).not.toBeNull()
      host.sweeps.resume(sweep.id, 1)

      // One task killed from outside, as a crashed node would be: interrupted, then resubmitted from its checkpoint.
      await waitForMessage(host, killed, (m) => m.type === 'checkpoint')
      const kill = spawnSync('scancel', ['--signal=KILL', '--full', jobOf(host, killed)], {
        encoding: 'utf8',
      })
      expect(kill.status, kill.stderr).toBe(0)
      await eventually(
        () => host.store.getSummary(killed)!.status === 'interrupted',
        'the killed task to be interrupted',
      )
      // Whether the node's last push or Slurm's view of the job tells it first, it reads as killed from outside.
      expect(host.store.getSummary(killed)!.failure?.reason).toBe('killed')
      host.sweeps.resume(sweep.id, 2)
      await eventually(
        () => host.store.remoteRuns.get(killed)!.submissions === 2,
        'the killed task to be resubmitted',
      )

      await eventually(
        () =>
          host.sweeps
            .detail(sweep.id)
            .cellRecords.every((c) => c.status === 'completed' && !host.supervisor.isActiveHere(c.runId!)),
        'every cell to complete',
        480_000,
        () =>
          host.sweeps.detail(sweep.id).cellRecords.map((c) => ({
            status: c.status,
            active: host.supervisor.isActiveHere(c.runId!),
            slurm: c.slurm,
            failure: host.store.getSummary(c.runId!)?.failure?.message,
          })),
      )
      for (const cell of host.sweeps.detail(sweep.id).cellRecords) {
        expect(cell.result?.final.testAccuracy).toBeGreaterThan(0)
        const loss = host.store.series.metrics(cell.runId!, { keys: ['train/loss'] })
        expect(loss[0]?.steps.length ?? 0).toBeGreaterThan(0)
      }
      // Slurm's own view catches up a poll after the node reported its end.
      await eventually(
        () => host.sweeps.detail(sweep.id).cellRecords.every((c) => c.slurm?.state === 'COMPLETED'),
        'Slurm to list every job as COMPLETED',
        60_000,
      )
      expect(host.store.integrityCheck()).toBe('ok')
    }, 600_000)

    it('loses no metric point when the host is cut off while its Slurm tasks run', async () => {
      const t = tempDataDir()
      cleanups.push(t.cleanup)
      const config = tinyConfig(['optim.epochs=2', 'system.seed=41', 'channels.sparsity=0.3'])

      // The reference: the same config trained locally.
      const local = await openHost(t.dir)
      const reference = local.host.supervisor.create({ config })
      expect((await local.host.supervisor.waitFor(reference.id)).status).toBe('completed')
      const expected = local.host.store.series.metrics(reference.id, {})
      await local.server.close()

      const first = await openHost(t.dir)
      const port = first.server.port
      const sweep = first.host.sweeps.create({
        base: config,
        axes: [{ path: 'system.seed', values: [41] }],
        combine: 'grid',
        executor: 'slurm',
        slurm: { gpusPerTask: 0, cpusPerTask: 1, extraSbatch: [], maxAutoResubmits: 0 },
      })
      const runId = sweep.cellRecords[0]!.runId!
      await waitForMessage(first.host, runId, (m) => m.type === 'progress' && (m.step ?? 0) >= 2)
      await first.server.close()

      // The host is gone for a minute while the task trains on (it buffers on disk, and may finish
      // meanwhile). Bring the host back on the same port.
      await new Promise((r) => setTimeout(r, 60_000))
      const second = await openHost(t.dir, port)
      await eventually(
        () =>
          second.host.store.getSummary(runId)!.status === 'completed' &&
          !second.host.supervisor.isActiveHere(runId),
        'the run to complete after the host came back',
        480_000,
      )
      const got = second.host.store.series.metrics(runId, {})
      expect(got.map((s) => s.key).sort()).toEqual(expected.map((s) => s.key).sort())
      for (const series of expected) {
        const mine = got.find((s) => s.key === series.key)!
        expect(mine.steps, series.key).toEqual(series.steps)
        expect(mine.values, series.key).toEqual(series.values)
      }
    }, 600_000)
  },
)
