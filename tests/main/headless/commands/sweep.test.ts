import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { main } from '../../../../src/main/headless/cli'
import { tempDataDir } from '../../host/hostHarness'
import { noSlurmReason, slurmAnswers, slurmRequired } from '../../host/slurm/slurmCluster'
import { captureIo } from '../cliIo'

const fixture = resolve(import.meta.dirname, '../../../fixtures/data/fashion-mnist')
const tiny = [
  '--preset',
  'quick-fashion-mnist',
  '--set',
  `data.path=${fixture}`,
  '--set',
  'data.trainLimit=400',
  '--set',
  'data.testLimit=200',
  '--set',
  'optim.epochs=1',
  '--set',
  'optim.batchSize=50',
]

describe('chase-workbench sweep', () => {
  const cleanups: (() => void)[] = []
  afterEach(() => cleanups.splice(0).forEach((c) => c()))
  const dir = () => {
    const t = tempDataDir()
    cleanups.push(t.cleanup)
    return t.dir
  }

  it('asks for an axis', async () => {
    const io = captureIo(dir())
    expect(await main(['sweep', ...tiny, '--db', 'w.db'], io)).toBe(2)
    expect(io.err()).toMatch(/--axis path=v1,v2/)
  })

  it('refuses the sweep, naming every wrong cell, before any run exists', async () => {
    const cwd = dir()
    const io = captureIo(cwd)
    const code = await main(
      ['sweep', ...tiny, '--axis', 'system.seed=1,2', '--axis', 'sparsity.density=0.1,3', '--db', 'w.db'],
      io,
    )
    expect(code).toBe(1)
    expect(io.err()).toMatch(/cell 1 \(system\.seed=1, sparsity\.density=3\): sparsity\.density/)
    expect(io.err()).toMatch(/cell 3 \(system\.seed=2, sparsity\.density=3\)/)
    const list = captureIo(cwd)
    expect(await main(['runs', 'list', '--json', '--db', 'w.db'], list)).toBe(0)
    expect(JSON.parse(list.out()).runs ?? JSON.parse(list.out())).toHaveLength(0)
  })

  it('sends a Slurm sweep through slurmrestd when --slurmrestd is given, failing its runs with the reason', async () => {
    const cwd = dir()
    const io = captureIo(cwd)
    const code = await main(
      [
        'sweep',
        ...tiny,
        '--axis',
        'system.seed=41,42',
        '--executor',
        'slurm',
        '--slurmrestd',
        `unix:${cwd}/no-slurmrestd.sock`,
        '--port',
        '0',
        '--db',
        'w.db',
      ],
      io,
    )
    expect(code).toBe(1)
    expect(io.err() + io.out()).toMatch(/no-slurmrestd\.sock\) cannot be reached/)
  })

  it('refuses a slurmrestd address that is neither http(s) nor unix:', async () => {
    const io = captureIo(dir())
    const args = [
      'sweep',
      ...tiny,
      '--axis',
      'system.seed=41',
      '--executor',
      'slurm',
      '--slurmrestd',
      'localhost:6820',
    ]
    expect(await main([...args, '--db', 'w.db'], io)).toBe(2)
    expect(io.err()).toMatch(/slurm\.rest\.url: write slurmrestd's address as http:\/\/host:6820/)
  })

  it.skipIf(!slurmAnswers && !slurmRequired)(
    `runs a 2 × 2 sweep on Slurm and ends with one JSON line${slurmAnswers || slurmRequired ? '' : ` (skipped: ${noSlurmReason})`}`,
    async () => {
      const io = captureIo(dir())
      const code = await main(
        [
          'sweep',
          ...tiny,
          '--axis',
          'system.seed=41,42',
          '--axis',
          'channels.sparsity=0,0.3',
          '--executor',
          'slurm',
          '--port',
          '0',
          '--json',
          '--db',
          'w.db',
        ],
        io,
      )
      expect(code, io.err()).toBe(0)
      const lines = io.out().trim().split('\n')
      expect(lines).toHaveLength(1)
      const outcome = JSON.parse(lines[0]!) as {
        sweepId: string
        runs: { runId: string; cell: number; status: string; testAccuracy: number; slurmJob: string }[]
      }
      expect(outcome.sweepId).toMatch(/^sweep-/)
      expect(outcome.runs.map((r) => r.cell)).toEqual([0, 1, 2, 3])
      for (const run of outcome.runs) {
        expect(run.status).toBe('completed')
        expect(run.testAccuracy).toBeGreaterThan(0)
        expect(run.slurmJob).toMatch(/^\d+_\d$/)
      }
    },
    600_000,
  )
})
