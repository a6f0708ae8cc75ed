import { afterEach, describe, expect, it } from 'vitest'
import { forkTrainerLauncher } from '../../../../src/main/host/forkTrainerLauncher'
import { trainerEntry } from '../../../../src/main/headless/cliHost'
import { startServer } from '../../../../src/main/headless/server'
import type { SlurmCli } from '../../../../src/main/host/slurm/slurmCli'
import { slurmRest } from '../../../../src/main/host/slurm/slurmRest'
import { tempDataDir, testHost } from '../hostHarness'
import {
  eventually,
  noRestReason,
  restAnswers,
  restSettings,
  slurmRequired,
  tinyConfig,
} from './slurmCluster'

const runRest = restAnswers || slurmRequired

describe.skipIf(!runRest)(`a sweep through slurmrestd${runRest ? '' : ` (skipped: ${noRestReason})`}`, () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('submits, follows and completes a 2-cell sweep with slurm.rest set, never running the command-line tools', async () => {
    const t = tempDataDir()
    cleanups.push(t.cleanup)
    const restCalls: string[] = []
    // Any use of sbatch/squeue/scancel here fails the test: the REST path must carry everything.
    const refusingCli: SlurmCli = {
      sbatch: () => Promise.reject(new Error('the command-line sbatch was used')),
      jobs: () => Promise.reject(new Error('the command-line squeue was used')),
      scancel: () => Promise.reject(new Error('the command-line scancel was used')),
    }
    const host = testHost(
      t.dir,
      {},
      {
        launcher: forkTrainerLauncher({ entry: trainerEntry }),
        stopGraceMs: 60_000,
        slurm: {
          pollIntervalMs: 500,
          cli: refusingCli,
          restClient: (rest) => {
            const client = slurmRest({ settings: rest })
            return {
              sbatch: (path) => (restCalls.push('submit'), client.sbatch(path)),
              jobs: (ids) => (restCalls.push('jobs'), client.jobs(ids)),
              scancel: (id, signal) => (restCalls.push('cancel'), client.scancel(id, signal)),
              close: () => client.close!(),
            }
          },
        },
      },
    )
    const server = await startServer({ host, rendererDir: '/nonexistent', port: 0 })
    host.slurm.setServedUrl(server.url)
    cleanups.push(async () => {
      await server.close()
      await host.close(5_000)
    })

    const sweep = host.sweeps.create({
      name: 'slurm rest 2',
      base: tinyConfig(),
      axes: [{ path: 'system.seed', values: [41, 42] }],
      combine: 'grid',
      executor: 'slurm',
      slurm: {
        gpusPerTask: 0,
        cpusPerTask: 1,
        timeLimit: '00:20:00',
        extraSbatch: [],
        maxAutoResubmits: 0,
        rest: restSettings,
      },
    })
    const cells = () => host.sweeps.detail(sweep.id).cellRecords
    await eventually(
      () => cells().every((c) => c.status === 'completed' && !host.supervisor.isActiveHere(c.runId!)),
      'both cells to complete',
      480_000,
      () =>
        cells().map((c) => ({
          status: c.status,
          slurm: c.slurm,
          failure: host.store.getSummary(c.runId!)?.failure,
        })),
    )
    const jobIds = cells().map((c) => host.store.remoteRuns.get(c.runId!)!.jobId!)
    expect(jobIds[0]).toMatch(/^\d+_0$/)
    expect(jobIds[1]).toBe(jobIds[0]!.replace(/_0$/, '_1'))
    for (const cell of cells()) {
      expect(cell.result?.final.testAccuracy).toBeGreaterThan(0)
      expect(
        host.store.series.metrics(cell.runId!, { keys: ['train/loss'] })[0]?.steps.length ?? 0,
      ).toBeGreaterThan(0)
    }
    // Slurm's state, as read through REST, catches up a poll after the nodes reported their end.
    await eventually(
      () => cells().every((c) => c.slurm?.state === 'COMPLETED'),
      'slurmrestd to list both tasks as COMPLETED',
      60_000,
      () => cells().map((c) => c.slurm),
    )
    expect(restCalls.filter((c) => c === 'submit')).toHaveLength(1)
    expect(restCalls).toContain('jobs')
    expect(host.store.integrityCheck()).toBe('ok')
  }, 600_000)
})
