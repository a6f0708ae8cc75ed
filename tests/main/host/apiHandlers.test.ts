import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../../src/shared/api/apiError'
import type { PushEvent } from '../../../src/shared/api/pushEvents'
import type { CallContext } from '../../../src/main/host/apiHandlers'
import { quickConfig, tempDataDir, testHost } from './hostHarness'

describe('ApiHandlers', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  function setup() {
    const t = tempDataDir()
    const host = testHost(t.dir, { steps: 60, snapshotEvery: 20 })
    cleanups.push(t.cleanup, () => host.close(1000))
    const events: PushEvent[] = []
    const context: CallContext = { client: host.hub.connect((e) => events.push(e)) }
    const call = (method: string, params: unknown) => host.api.call(method, params, context)
    return { host, call, events, context }
  }

  const rejected = async (promise: Promise<unknown>) => {
    try {
      await promise
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError)
      return error as ApiError
    }
    throw new Error('expected the call to fail')
  }

  it('creates, follows and reads a run through the contract', async () => {
    const { host, call, events } = setup()
    const created = (await call('runs.create', {
      config: quickConfig(),
      tags: ['t1'],
      experiment: 'e1',
    })) as { id: string }
    await call('runs.subscribe', { runId: created.id })
    await host.supervisor.waitFor(created.id)

    expect(events.some((e) => e.type === 'runMessage' && e.message.type === 'metrics')).toBe(true)
    expect(events.some((e) => e.type === 'runChanged' && e.run.status === 'completed')).toBe(true)

    const list = (await call('runs.list', {})) as { runs: { id: string; status: string }[]; total: number }
    expect(list.runs.map((r) => [r.id, r.status])).toEqual([[created.id, 'completed']])
    const detail = (await call('runs.get', { runId: created.id })) as {
      checkpoints: unknown[]
      config: unknown
    }
    expect(detail.checkpoints).toHaveLength(2)
    const metrics = (await call('runs.metrics', {
      runId: created.id,
      keys: ['train/m1'],
      maxPoints: 10,
    })) as {
      series: { key: string; steps: number[]; totalPoints: number }[]
    }
    expect(metrics.series[0]!.steps).toHaveLength(10)
    expect(metrics.series[0]!.totalPoints).toBe(60)
    const snapshots = (await call('runs.layerSnapshots', { runId: created.id, maxSnapshots: 2 })) as {
      snapshots: { step: number }[]
    }
    expect(snapshots.snapshots.map((s) => s.step)).toEqual([20, 60])
    const channelEvents = (await call('runs.events', { runId: created.id, kinds: ['channelEvent'] })) as {
      events: unknown[]
    }
    expect(channelEvents.events).toHaveLength(3)
    expect(await call('experiments.list', {})).toEqual({ experiments: [{ name: 'e1', runs: 1 }] })
  })

  it('only pushes a run’s trainer messages to clients subscribed to it', async () => {
    const { host, call, events } = setup()
    const created = (await call('runs.create', { config: quickConfig() })) as { id: string }
    await host.supervisor.waitFor(created.id)
    expect(events.filter((e) => e.type === 'runMessage')).toEqual([])
    expect(events.filter((e) => e.type === 'runChanged').length).toBeGreaterThanOrEqual(3)
  })

  it('tags, notes, archives, exports and deletes (delete needs confirm: true)', async () => {
    const { host, call } = setup()
    const { id } = (await call('runs.create', { config: quickConfig() })) as { id: string }
    await host.supervisor.waitFor(id)
    expect(((await call('runs.tag', { runId: id, add: ['good'] })) as { tags: string[] }).tags).toEqual([
      'good',
    ])
    expect(((await call('runs.note', { runId: id, notes: 'fine' })) as { notes: string }).notes).toBe('fine')
    expect(((await call('runs.archive', { runId: id })) as { archived: boolean }).archived).toBe(true)
    const csv = (await call('runs.export', { runId: id, format: 'csv' })) as {
      content: string
      mimeType: string
    }
    expect(csv.mimeType).toBe('text/csv')
    expect(csv.content.split('\n')[0]).toBe('key,step,value')
    expect(csv.content.trim().split('\n')).toHaveLength(1 + 120)
    const json = (await call('runs.export', { runId: id, format: 'json' })) as { content: string }
    expect(JSON.parse(json.content).run.id).toBe(id)
    // The dashboard's download: pages from no cursor until `next` is null, the same text.
    const chunks: string[] = []
    let cursor: string | null | undefined
    do {
      const page = (await call('runs.exportPage', { runId: id, format: 'json', cursor })) as {
        chunk: string
        next: string | null
      }
      chunks.push(page.chunk)
      cursor = page.next
    } while (cursor !== null)
    expect(chunks.join('')).toBe(json.content)
    expect((await rejected(call('runs.exportPage', { runId: id, cursor: '../x' }))).code).toBe(
      'invalid-request',
    )

    expect((await rejected(call('runs.delete', { runId: id }))).code).toBe('invalid-request')
    expect((await rejected(call('runs.delete', { runId: id, confirm: false }))).code).toBe('invalid-request')
    expect(await call('runs.delete', { runId: id, confirm: true })).toEqual({ deleted: id })
    expect((await rejected(call('runs.get', { runId: id }))).code).toBe('not-found')
  })

  it('compares runs showing only the settings that differ', async () => {
    const { host, call } = setup()
    const base = quickConfig()
    const a = (await call('runs.create', { config: base })) as { id: string }
    const b = (await call('runs.create', {
      config: { ...base, sparsity: { ...base.sparsity, density: 0.05 } },
    })) as { id: string }
    await host.supervisor.waitFor(b.id)
    const comparison = (await call('compare.runs', { runIds: [a.id, b.id] })) as {
      differences: { path: string; values: (string | null)[] }[]
      rows: { testAccuracy: number | null; lastMetrics: Record<string, number> }[]
    }
    expect(comparison.differences).toEqual([{ path: 'sparsity.density', values: ['0.1', '0.05'] }])
    expect(comparison.rows.map((r) => r.testAccuracy)).toEqual([0.78, 0.78])
    expect(comparison.rows[0]!.lastMetrics['train/m0']).toBe(60)
  })

  it('answers bench, presets, plan and system info', async () => {
    const { call, events } = setup()
    const bench = (await call('bench.run', { request: { model: 'vgg19', batchSizes: [4] } })) as {
      id: string
      status: string
    }
    expect(bench.status).toBe('running')
    const presets = (await call('presets.list', {})) as { presets: { name: string }[] }
    expect(presets.presets.map((p) => p.name)).toContain('quick-fashion-mnist')
    const plan = (await call('plan.compute', { config: quickConfig() })) as { ok: boolean }
    expect(typeof plan.ok).toBe('boolean')
    const info = (await call('system.info', {})) as {
      dbPath: string
      backends: { name: string }[]
      versions: Record<string, string>
    }
    expect(info.dbPath).toMatch(/workbench\.db$/)
    expect(info.backends.map((b) => b.name)).toEqual([
      'tensorflow-gpu',
      'webgpu',
      'tensorflow',
      'wasm',
      'cpu',
    ])
    expect(info.versions.sqlite).toMatch(/^3\./)
    expect(await call('system.setConcurrency', { concurrency: 3 })).toEqual({ concurrency: 3 })
    while (!events.some((e) => e.type === 'benchChanged' && e.bench.status === 'completed')) {
      await new Promise((r) => setTimeout(r, 20))
    }
    const listed = (await call('bench.list', {})) as { benchmarks: { id: string; status: string }[] }
    expect(listed.benchmarks.map((b) => [b.id, b.status])).toEqual([[bench.id, 'completed']])
  })

  it('rejects unknown methods, invalid requests and bad configs with typed errors', async () => {
    const { call } = setup()
    expect((await rejected(call('runs.destroyEverything', {}))).code).toBe('unknown-method')
    expect((await rejected(call('__proto__', {}))).code).toBe('unknown-method')
    expect((await rejected(call('runs.get', { runId: '../../etc' }))).code).toBe('invalid-request')
    const bad = await rejected(call('runs.create', { config: { optim: { lr: -1 } } }))
    expect(bad.code).toBe('invalid-request')
    expect(bad.issues?.some((i) => i.path === 'config.optim.lr')).toBe(true)
    expect((await rejected(call('runs.pause', { runId: 'nope' }))).code).toBe('not-found')
    expect((await rejected(call('compare.runs', { runIds: ['only-one'] }))).code).toBe('invalid-request')
  })
})
