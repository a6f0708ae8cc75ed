import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { emptyBatch } from '../../../src/main/host/ingestBatch'
import { RunStore } from '../../../src/main/host/runStore'
import { StoreError } from '../../../src/main/host/storeErrors'
import { quickConfig, tempDataDir, testHost } from './hostHarness'

const manyPoints = (runId: string, from: number, count: number) => {
  const batch = emptyBatch()
  batch.metrics.push({
    runId,
    points: Array.from({ length: count }, (_, i) => ({ key: 'train/loss', step: from + i, value: i })),
  })
  return batch
}

/** Caps the database at its current size: SQLite then answers SQLITE_FULL, as on a full disk. */
const fillDisk = (store: RunStore) => {
  const pages = store.db.pragma('page_count', { simple: true }) as number
  store.db.pragma(`max_page_count = ${pages + 2}`)
}

describe('run store failures', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('a full disk gives a clear error, rolls the flush back whole and corrupts nothing', () => {
    const t = tempDataDir()
    const store = RunStore.open({ dbPath: t.dbPath, dataDir: t.dir })
    cleanups.push(t.cleanup, () => store.close())
    const { id } = store.createRun({ config: quickConfig() })
    store.writeBatch(manyPoints(id, 0, 100))
    fillDisk(store)
    let error: unknown
    try {
      store.writeBatch(manyPoints(id, 100, 50_000))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).code).toBe('SQLITE_FULL')
    expect((error as Error).message).toMatch(
      new RegExp(`Cannot write to the run store ${t.dbPath}: the disk .* is full`),
    )
    expect(store.series.metrics(id)[0]!.totalPoints).toBe(100)
    expect(store.integrityCheck()).toBe('ok')
    store.db.pragma('max_page_count = 1073741823')
    store.writeBatch(manyPoints(id, 100, 50_000))
    expect(store.series.metrics(id)[0]!.totalPoints).toBe(50_100)
  })

  it('a read-only database refuses writes with a message naming the file and the fix', () => {
    const t = tempDataDir()
    const writable = RunStore.open({ dbPath: t.dbPath, dataDir: t.dir })
    const { id } = writable.createRun({ config: quickConfig() })
    writable.close()
    const store = RunStore.open({ dbPath: t.dbPath, dataDir: t.dir }, { readonly: true })
    cleanups.push(t.cleanup, () => store.close())
    expect(() => store.writeBatch(manyPoints(id, 0, 10))).toThrow(
      /the database is read-only: check the file and folder permissions/,
    )
    expect(() => store.setNotes(id, 'x')).toThrow(StoreError)
    expect(store.getSummary(id)!.notes).toBe('')
    expect(store.integrityCheck()).toBe('ok')
  })

  it('a file that is not a database is refused with a clear message', () => {
    const t = tempDataDir()
    cleanups.push(t.cleanup)
    const path = join(t.dir, 'notes.db')
    writeFileSync(path, 'these are my notes, not a database'.repeat(200))
    expect(() => RunStore.open({ dbPath: path, dataDir: t.dir })).toThrow(
      /is not a SQLite database: point --db at a run store/,
    )
  })

  it('when the store fills up mid-run, the trainer is stopped with a checkpoint; after space returns the run resumes', async () => {
    const t = tempDataDir()
    const host = testHost(
      t.dir,
      { steps: 100_000, stepMs: 2, keys: 50, checkpointEvery: 20 },
      { stopGraceMs: 5_000 },
    )
    cleanups.push(t.cleanup)
    const run = host.supervisor.create({ config: quickConfig() })
    const session = () => host.supervisor.activeRunIds().includes(run.id)
    while ((host.store.getSummary(run.id)?.lastCheckpointStep ?? 0) < 20)
      await new Promise((r) => setTimeout(r, 20))
    fillDisk(host.store)
    while (session()) await new Promise((r) => setTimeout(r, 20))
    expect(host.logger.lines.some((l) => l.level === 'error' && /disk .* is full/.test(l.message))).toBe(true)
    expect(host.logger.lines.some((l) => /stopping 1 run\(s\) with a checkpoint/.test(l.message))).toBe(true)
    expect(host.store.integrityCheck()).toBe('ok')

    // Space comes back: whatever waited is written, and a new host can resume the run.
    host.store.db.pragma('max_page_count = 1073741823')
    await host.close(1000)
    const again = testHost(t.dir, { steps: 60, stepMs: 1, keys: 1, checkpointEvery: 20 })
    cleanups.push(() => again.close(1000))
    // It ended for a reason the user can act on (issue #12: not a bare "interrupted").
    expect(again.store.getSummary(run.id)).toMatchObject({
      status: 'failed',
      failure: { reason: 'disk-full' },
    })
    again.supervisor.resume(run.id)
    expect((await again.supervisor.waitFor(run.id)).status).toBe('completed')
    expect(again.store.integrityCheck()).toBe('ok')
  })
})
