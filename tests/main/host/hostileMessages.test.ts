import { afterEach, describe, expect, it } from 'vitest'
import { quickConfig, tempDataDir, testHost } from './hostHarness'
import { stubLauncher } from './stubLauncher'

describe('malformed and hostile trainer messages', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  function stubHost() {
    const t = tempDataDir()
    const launcher = stubLauncher()
    const host = testHost(t.dir, {}, { launcher })
    cleanups.push(t.cleanup, () => host.close(100))
    const run = host.supervisor.create({ config: quickConfig() })
    const trainer = launcher.trainers[0]!
    trainer.emit({ type: 'ready', pid: 1, node: 'v20' })
    return { host, run, trainer }
  }

  const counts = (host: ReturnType<typeof stubHost>['host']) => {
    host.supervisor.flusher.flush()
    const one = (sql: string) => host.store.db.prepare(sql).pluck().get() as number
    return {
      metrics: one('SELECT COUNT(*) FROM metrics'),
      snapshots: one('SELECT COUNT(*) FROM layer_snapshots'),
      events: one(`SELECT COUNT(*) FROM events WHERE kind <> 'status'`),
      checkpoints: one('SELECT COUNT(*) FROM checkpoints'),
    }
  }

  it('rejects and logs every malformed message, writes nothing for them, and keeps the run going', () => {
    const { host, run, trainer } = stubHost()
    expect(trainer.sent.map((m) => m.type)).toEqual(['start'])
    const hostile: unknown[] = [
      null,
      42,
      'metrics',
      [],
      { type: 'metrics' },
      { type: 'metrics', points: [{ key: 'loss', step: 1, value: Number.NaN }] },
      { type: 'metrics', points: [{ key: 'loss', step: -1, value: 1 }] },
      { type: 'metrics', points: [{ key: '', step: 1, value: 1 }] },
      {
        type: 'metrics',
        points: Array.from({ length: 100_001 }, (_, i) => ({ key: 'k', step: i, value: 1 })),
      },
      {
        type: 'layerSnapshot',
        step: 1,
        layers: [{ group: 'g', density: 'x', umm: [], alive: [] }],
        densities: [],
      },
      { type: 'checkpoint', step: 1, epoch: 0, path: 42, bytes: 1 },
      { type: 'done', result: { density: 'all' } },
      { type: 'no-such-type', payload: 'x' },
      { type: 'constructor' },
      JSON.parse('{"type":"__proto__","__proto__":{"polluted":true}}'),
    ]
    for (const message of hostile) trainer.emit(message)
    expect(counts(host)).toEqual({ metrics: 0, snapshots: 0, events: 0, checkpoints: 0 })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(host.logger.lines.filter((l) => /invalid message/.test(l.message))).toHaveLength(hostile.length)
    expect(host.store.getSummary(run.id)!.status).toBe('running')
    expect(host.store.getSummary(run.id)!.result).toBeNull()

    // Valid messages after the garbage are still taken.
    trainer.emit({ type: 'metrics', points: [{ key: 'train/loss', step: 1, value: 2.3 }] })
    expect(counts(host).metrics).toBe(1)
  })

  it('ignores unknown extra fields instead of storing them', () => {
    const { host, run, trainer } = stubHost()
    trainer.emit({ type: 'log', level: 'warn', message: 'hello', injected: '<script>' })
    host.supervisor.flusher.flush()
    const [event] = host.store.series.events(run.id, { kinds: ['log'] })
    expect(event!.message).toEqual({ type: 'log', level: 'warn', message: 'hello' })
  })

  it('stops a trainer that keeps breaking the protocol and fails the run with that reason', async () => {
    const { host, run, trainer } = stubHost()
    for (let i = 0; i < 60; i++) trainer.emit({ type: 'garbage', i })
    const end = await host.supervisor.waitFor(run.id)
    expect(end.status).toBe('failed')
    expect(end.failure?.reason).toBe('invalid-messages')
    expect(counts(host).metrics).toBe(0)
  })

  it('rejects a real trainer process sending malformed messages, and the run still completes', async () => {
    const t = tempDataDir()
    const host = testHost(t.dir, { steps: 30, invalidAtStart: 5 })
    cleanups.push(t.cleanup, () => host.close(1000))
    const run = host.supervisor.create({ config: quickConfig() })
    const end = await host.supervisor.waitFor(run.id)
    expect(end.status).toBe('completed')
    expect(
      host.logger.lines.filter((l) => l.level === 'warn' && /invalid message/.test(l.message)),
    ).toHaveLength(10)
    expect(host.store.series.metricKeys(run.id).map((k) => k.key)).toEqual(['train/m0', 'train/m1'])
  })
})
