import { EventEmitter } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { utilityTrainerLauncher } from '../../../src/main/electron/utilityTrainerLauncher'
import { quickConfig, tempDataDir, testHost } from './hostHarness'

/** An Electron utility process that has not spawned yet: no pid until the test says so. */
class PendingUtilityProcess extends EventEmitter {
  pid: number | undefined
  readonly stderr = new EventEmitter()
  kill = () => true
  postMessage() {}
}

describe('a trainer whose pid is known only after it spawned (Electron)', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('records the pid on the run once the process has spawned', async () => {
    const t = tempDataDir()
    const children: PendingUtilityProcess[] = []
    const launcher = utilityTrainerLauncher(
      new EventEmitter() as never,
      () => {
        const child = new PendingUtilityProcess()
        children.push(child)
        return child as never
      },
      '/out/main/trainer.js',
      { exitAfterKillMs: 50 },
    )
    const host = testHost(t.dir, {}, { launcher })
    cleanups.push(t.cleanup, () => host.close(100))
    const run = host.supervisor.create({ config: quickConfig() })
    const pidOf = () => host.store.db.prepare('SELECT pid FROM runs WHERE id = ?').pluck().get(run.id)
    expect(pidOf()).toBeNull()
    children[0]!.pid = 31337
    children[0]!.emit('spawn')
    expect(pidOf()).toBe(31337)
  })

  it('lets the host close when a trainer is stopped before it ever spawned', async () => {
    const t = tempDataDir()
    const launcher = utilityTrainerLauncher(
      new EventEmitter() as never,
      () => new PendingUtilityProcess() as never,
      '/out/main/trainer.js',
      { exitAfterKillMs: 50 },
    )
    const host = testHost(t.dir, {}, { launcher })
    cleanups.push(t.cleanup)
    const run = host.supervisor.create({ config: quickConfig() })
    await host.close(100) // would wait forever if the kill before spawn were lost
    expect(host.store.db.open).toBe(false)
    const reopened = testHost(t.dir, {}, { launcher })
    cleanups.push(() => reopened.close(100))
    expect(reopened.store.getSummary(run.id)?.status).toBe('interrupted')
  })
})
