import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RunFilter } from '../../../src/shared/api/runRecords'
import { emptyBatch } from '../../../src/main/host/ingestBatch'
import { schemaVersion } from '../../../src/main/host/migrations'
import { RunStore } from '../../../src/main/host/runStore'
import { quickConfig, tempDataDir } from './hostHarness'

describe('RunStore', () => {
  let t: ReturnType<typeof tempDataDir>
  let store: RunStore
  beforeEach(() => {
    t = tempDataDir()
    store = RunStore.open({ dbPath: t.dbPath, dataDir: t.dir })
  })
  afterEach(() => {
    store.close()
    t.cleanup()
  })

  const list = (filter: Partial<RunFilter> = {}) =>
    store.listRuns(RunFilter.parse(filter)).runs.map((r) => r.id)

  it('opens in WAL mode at the current schema version, and reopening migrates nothing twice', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(store.db.pragma('user_version', { simple: true })).toBe(schemaVersion)
    store.close()
    store = RunStore.open({ dbPath: t.dbPath, dataDir: t.dir })
    expect(store.db.pragma('user_version', { simple: true })).toBe(schemaVersion)
  })

  it('refuses a database from a newer version with a message saying what to do', () => {
    store.db.pragma(`user_version = ${schemaVersion + 1}`)
    store.close()
    expect(() => RunStore.open({ dbPath: t.dbPath, dataDir: t.dir })).toThrow(
      /newer than this Chase Workbench/,
    )
    store = RunStore.open({ dbPath: join(t.dir, 'other.db'), dataDir: t.dir })
  })

  it('stores a run queued with its config, hash, seed, versions and folder', () => {
    const config = quickConfig()
    const run = store.createRun({
      config,
      tags: ['a', 'a', ' b '],
      notes: 'n',
      versions: { node: '20' },
      experiment: 'exp',
    })
    expect(run.status).toBe('queued')
    expect(run.tags).toEqual(['a', 'b'])
    expect(run.experiment).toBe('exp')
    expect(run.name).toBe('quick-fashion-mnist')
    const detail = store.getDetail(run.id)!
    expect(detail.config).toEqual(config)
    expect(detail.configHash).toMatch(/^[0-9a-f]{16}$/)
    expect(detail.seed).toBe(config.system.seed)
    expect(detail.versions).toEqual({ node: '20' })
    expect(detail.runDir).toBe(join(t.dir, 'runs', run.id))
    // Same config (another name) gives the same hash.
    const renamed = store.createRun({ config: { ...config, name: 'other' } })
    expect(renamed.configHash).toBe(run.configHash)
  })

  it('walks the lifecycle, stamping times and refusing impossible moves', () => {
    const { id } = store.createRun({ config: quickConfig() })
    expect(store.setStatus(id, 'running', { pid: 123 })!.run.startedAt).not.toBeNull()
    expect(store.getDetail(id)!.pid).toBe(123)
    store.setStatus(id, 'paused')
    store.setStatus(id, 'running')
    const done = store.setStatus(id, 'completed')!
    expect(done.previous).toBe('running')
    expect(done.run.finishedAt).not.toBeNull()
    expect(store.getDetail(id)!.pid).toBeNull()
    expect(() => store.setStatus(id, 'running')).toThrow(/completed; it cannot become running/)
    const statuses = store.series
      .events(id, { kinds: ['status'] })
      .map((e) => (e.message as { status: string }).status)
    expect(statuses).toEqual(['queued', 'running', 'paused', 'running', 'completed'])
  })

  it('only changes a status from the expected ones (compare-and-set)', () => {
    const { id } = store.createRun({ config: quickConfig() })
    expect(store.setStatus(id, 'interrupted', { onlyFrom: ['running'] })).toBeUndefined()
    expect(store.getSummary(id)!.status).toBe('queued')
  })

  it('filters the list by status, tag, text and archive flag', () => {
    const a = store.createRun({ config: quickConfig(), name: 'alpha', tags: ['x'] })
    const b = store.createRun({ config: quickConfig(), name: 'beta' })
    store.setStatus(b.id, 'running')
    store.setArchived(a.id, true)
    expect(list()).toEqual([b.id])
    expect(list({ includeArchived: true }).sort()).toEqual([a.id, b.id].sort())
    expect(list({ includeArchived: true, tag: 'x' })).toEqual([a.id])
    expect(list({ status: ['running'] })).toEqual([b.id])
    expect(list({ includeArchived: true, text: 'ALP' })).toEqual([a.id])
    expect(store.listRuns(RunFilter.parse({ includeArchived: true, limit: 1 })).total).toBe(2)
  })

  it('tags, notes and resolves unique id prefixes', () => {
    const run = store.createRun({ config: quickConfig(), tags: ['keep', 'drop'] })
    expect(store.setTags(run.id, ['new'], ['drop']).tags).toEqual(['keep', 'new'])
    expect(store.setNotes(run.id, 'lr too high').notes).toBe('lr too high')
    expect(store.resolveRunId(run.id.slice(0, 20))).toBe(run.id)
    expect(() => store.resolveRunId('zzz')).toThrow(/No run "zzz"/)
  })

  it('writes a flush of metrics, snapshots, events, checkpoints and state, and reads them back', () => {
    const { id } = store.createRun({ config: quickConfig() })
    const batch = emptyBatch()
    batch.metrics.push({
      runId: id,
      points: Array.from({ length: 1000 }, (_, i) => ({ key: 'train/loss', step: i, value: 1 / (i + 1) })),
    })
    batch.metrics.push({ runId: id, points: [{ key: 'test/accuracy', step: 999, value: 0.9 }] })
    batch.snapshots.push({
      runId: id,
      snapshot: {
        step: 10,
        layers: [{ group: 'c1', density: [0.5, 0.25], umm: [1.5, 0.125], alive: [1, 0] }],
        densities: [{ tensor: 'c1.weight', nnz: 5, size: 10, aliveSize: 8 }],
      },
    })
    batch.checkpoints.push({
      runId: id,
      checkpoint: { type: 'checkpoint', step: 500, epoch: 1, path: '/x', bytes: 9 },
      at: 1,
    })
    batch.events.push({
      runId: id,
      step: 500,
      kind: 'checkpoint',
      at: 1,
      message: { type: 'checkpoint', step: 500, epoch: 1, path: '/x', bytes: 9 },
    })
    batch.patches.set(id, {
      progress: { step: 999, totalSteps: 2000, epoch: 0, epochs: 2, imagesPerSecond: 10, etaSeconds: 5 },
      backend: { name: 'wasm', version: '4.22.0', threads: 2, simd: true, skipped: [] },
    })
    store.writeBatch(batch)

    const keys = store.series.metricKeys(id)
    expect(keys).toEqual([
      { key: 'test/accuracy', points: 1, lastStep: 999, lastValue: 0.9 },
      { key: 'train/loss', points: 1000, lastStep: 999, lastValue: 1 / 1000 },
    ])
    const [loss] = store.series.metrics(id, { keys: ['train/loss'], maxPoints: 50 })
    expect(loss!.steps).toHaveLength(50)
    expect(loss!.totalPoints).toBe(1000)
    expect(loss!.steps[0]).toBe(0)
    expect(loss!.steps.at(-1)).toBe(999)
    expect(
      store.series.metrics(id, { keys: ['train/loss'], fromStep: 10, toStep: 19 })[0]!.values,
    ).toHaveLength(10)
    expect(store.series.layerSnapshots(id)).toEqual([
      {
        step: 10,
        layers: [{ group: 'c1', density: [0.5, 0.25], umm: [1.5, 0.125], alive: [1, 0] }],
        densities: [{ tensor: 'c1.weight', nnz: 5, size: 10, aliveSize: 8 }],
      },
    ])
    const detail = store.getDetail(id)!
    expect(detail.lastCheckpointStep).toBe(500)
    expect(detail.backend).toBe('wasm')
    expect(detail.versions.wasm).toBe('4.22.0')
    expect(detail.progress?.step).toBe(999)
    expect(store.series.events(id, { kinds: ['checkpoint'] })).toHaveLength(1)
  })

  it('truncates everything after a checkpoint step for a resume, keeping status history', () => {
    const { id } = store.createRun({ config: quickConfig() })
    const batch = emptyBatch()
    batch.metrics.push({ runId: id, points: [0, 5, 10].map((step) => ({ key: 'k', step, value: step })) })
    batch.events.push({
      runId: id,
      step: 10,
      kind: 'log',
      at: 1,
      message: { type: 'log', level: 'info', message: 'late' },
    })
    batch.checkpoints.push({
      runId: id,
      checkpoint: { type: 'checkpoint', step: 10, epoch: 0, path: 'p', bytes: 1 },
      at: 1,
    })
    store.writeBatch(batch)
    store.truncateAfter(id, 5)
    expect(store.series.metrics(id)[0]!.steps).toEqual([0, 5])
    expect(store.series.events(id).map((e) => e.kind)).toEqual(['status'])
    expect(store.checkpoints(id)).toEqual([])
  })

  it('deletes a run for real: rows, time series and its folder', () => {
    const { id } = store.createRun({ config: quickConfig() })
    const batch = emptyBatch()
    batch.metrics.push({ runId: id, points: [{ key: 'k', step: 1, value: 1 }] })
    store.writeBatch(batch)
    const dir = join(t.dir, 'runs', id)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'checkpoint.bin'), 'x')
    store.deleteRun(id)
    expect(store.getSummary(id)).toBeUndefined()
    expect(store.db.prepare('SELECT COUNT(*) FROM metrics').pluck().get()).toBe(0)
    expect(store.db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(0)
    expect(existsSync(dir)).toBe(false)
  })

  it('drops late data of a deleted run instead of failing the flush', () => {
    const { id } = store.createRun({ config: quickConfig() })
    const other = store.createRun({ config: quickConfig() })
    store.deleteRun(id)
    const batch = emptyBatch()
    batch.metrics.push({ runId: id, points: [{ key: 'k', step: 1, value: 1 }] })
    batch.metrics.push({ runId: other.id, points: [{ key: 'k', step: 1, value: 2 }] })
    store.writeBatch(batch)
    expect(store.series.metrics(other.id)[0]!.values).toEqual([2])
  })
})
