import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/headless/cli'
import { trainCommand } from '../../../src/main/headless/commands/train'
import { resumeCommand } from '../../../src/main/headless/commands/resume'
import runsCommand from '../../../src/main/headless/commands/runs'
import compareCommand from '../../../src/main/headless/commands/compare'
import { RunStore } from '../../../src/main/host/runStore'
import { fixtureLauncher, tempDataDir, type FixtureBehaviour } from '../host/hostHarness'
import { captureIo } from './cliIo'

describe('CLI commands', () => {
  const cleanups: (() => void)[] = []
  afterEach(() => cleanups.splice(0).forEach((c) => c()))

  function setup() {
    const t = tempDataDir()
    cleanups.push(t.cleanup)
    return t
  }

  async function train(dir: string, behaviour: FixtureBehaviour, args: string[], tty = false) {
    const io = captureIo(dir, tty)
    const code = await trainCommand({ launcher: fixtureLauncher(behaviour) }).run(
      ['--preset', 'quick-fashion-mnist', '--db', 'workbench.db', ...args],
      io,
    )
    return { code, out: io.out(), err: io.err() }
  }

  it('train --json ends with one JSON line describing the finished run', async () => {
    const t = setup()
    const { code, out } = await train(t.dir, { steps: 30 }, [
      '--set',
      'optim.epochs=1',
      '--json',
      '--tag',
      'cli',
    ])
    expect(code).toBe(0)
    const lines = out.trim().split('\n')
    expect(lines).toHaveLength(1)
    const result = JSON.parse(lines[0]!)
    expect(result).toMatchObject({
      status: 'completed',
      backend: 'cpu',
      testAccuracy: 0.78,
      density: 0.1,
      channelSparsity: 0.5,
    })
    expect(typeof result.runId).toBe('string')
    const store = RunStore.open({ dbPath: t.dbPath, dataDir: t.dir })
    expect(store.getDetail(result.runId)!.config.optim.epochs).toBe(1)
    expect(store.getSummary(result.runId)!.tags).toEqual(['cli'])
    store.close()
  })

  it('draws a progress line with images/s and ETA on a terminal', async () => {
    const t = setup()
    const { code, out } = await train(t.dir, { steps: 200, stepMs: 3 }, [], true)
    expect(code).toBe(0)
    expect(out).toMatch(/\[#*·*\] +\d+% step \d+\/200 ep 1\/1 500 img\/s ETA 1s/)
    expect(out).toContain('completed on cpu')
  })

  it('Ctrl-C stops a training with a checkpoint, and resume continues it to the end', async () => {
    const t = setup()
    let interrupt: () => void = () => {}
    const io = captureIo(t.dir)
    const launcher = fixtureLauncher({ steps: 400, stepMs: 5, checkpointEvery: 1000 })
    const training = trainCommand({ launcher, interrupts: (h) => ((interrupt = h), () => {}) }).run(
      ['--preset', 'quick-fashion-mnist', '--db', 'workbench.db', '--json'],
      io,
    )
    // Interrupt once the run has trained a little (a fixed sleep is too short on a loaded machine).
    const reader = () =>
      RunStore.open({ dbPath: join(t.dir, 'workbench.db'), dataDir: t.dir }, { readonly: true })
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 100))
      if (!existsSync(join(t.dir, 'workbench.db'))) continue
      const store = reader()
      const step = store.listRuns({ limit: 1, offset: 0, includeArchived: true }).runs[0]?.progress?.step ?? 0
      store.close()
      if (step >= 20) break
    }
    interrupt()
    expect(await training).toBe(130)
    const stopped = JSON.parse(io.out().trim())
    expect(stopped.status).toBe('interrupted')
    expect(stopped.lastCheckpointStep).toBeGreaterThan(0)

    const resumeIo = captureIo(t.dir)
    const code = await resumeCommand({ launcher }).run(
      [stopped.runId.slice(0, 18), '--db', 'workbench.db', '--json'],
      resumeIo,
    )
    expect(code).toBe(0)
    expect(JSON.parse(resumeIo.out().trim())).toMatchObject({ runId: stopped.runId, status: 'completed' })
  })

  it('runs list --json prints an array with id and status; show, export and delete work on a prefix', async () => {
    const t = setup()
    const { out } = await train(t.dir, { steps: 20 }, ['--json'])
    const runId = JSON.parse(out).runId as string

    const listIo = captureIo(t.dir)
    expect(await main(['runs', 'list', '--json', '--db', 'workbench.db'], listIo)).toBe(0)
    const listed = JSON.parse(listIo.out()) as { id: string; status: string }[]
    expect(listed.map((r) => [r.id, r.status])).toEqual([[runId, 'completed']])

    const showIo = captureIo(t.dir)
    expect(await runsCommand.run(['show', runId.slice(0, 18), '--db', 'workbench.db'], showIo)).toBe(0)
    expect(showIo.out()).toContain(`Run ${runId}`)
    expect(showIo.out()).toContain('train/m0')

    const csvIo = captureIo(t.dir)
    expect(await runsCommand.run(['export', runId, '--format', 'csv', '--db', 'workbench.db'], csvIo)).toBe(0)
    expect(csvIo.out().split('\n')[0]).toBe('key,step,value')

    const noYes = captureIo(t.dir)
    expect(await main(['runs', 'delete', runId, '--db', 'workbench.db'], noYes)).toBe(2)
    expect(noYes.err()).toContain('add --yes to confirm')
    expect(await main(['runs', 'delete', runId, '--yes', '--db', 'workbench.db'], captureIo(t.dir))).toBe(0)
    const empty = captureIo(t.dir)
    await main(['runs', 'list', '--json', '--db', 'workbench.db'], empty)
    expect(JSON.parse(empty.out())).toEqual([])
  })

  it('compare prints the result table and only the differing settings', async () => {
    const t = setup()
    const a = JSON.parse((await train(t.dir, { steps: 10 }, ['--json'])).out).runId as string
    const b = JSON.parse(
      (await train(t.dir, { steps: 10 }, ['--json', '--set', 'channels.sparsity=0.3'])).out,
    ).runId as string
    const io = captureIo(t.dir)
    expect(await compareCommand.run([a, b, '--db', 'workbench.db'], io)).toBe(0)
    expect(io.out()).toContain('Config differences:')
    expect(io.out()).toMatch(/channels\.sparsity\s+0\.5\s+0\.3/)
    expect(io.out()).not.toMatch(/optim\.epochs/)
  })

  it('reports bad arguments as usage errors (exit 2) with the fix', async () => {
    const t = setup()
    const io = captureIo(t.dir)
    expect(await main(['train', '--preset', 'nope', '--db', 'x.db'], io)).toBe(2)
    expect(io.err()).toContain('unknown preset "nope"')
    const bad = captureIo(t.dir)
    expect(
      await main(['train', '--preset', 'quick-fashion-mnist', '--set', 'optim.lr=-1', '--db', 'x.db'], bad),
    ).toBe(1)
    expect(bad.err()).toContain('optim.lr')
    const presets = captureIo(t.dir)
    expect(await main(['presets', '--json'], presets)).toBe(0)
    expect((JSON.parse(presets.out()) as { name: string }[]).map((p) => p.name)).toContain(
      'paper-vgg19-cifar100',
    )
  })
})
