import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import runsCommand from '../../../src/main/headless/commands/runs'
import { writeExportFile } from '../../../src/main/headless/exportFile'
import { exportPage, exportPages } from '../../../src/main/host/exportPages'
import { exportRun } from '../../../src/main/host/exportRun'
import { emptyBatch } from '../../../src/main/host/ingestBatch'
import { RunStore } from '../../../src/main/host/runStore'
import { captureIo } from '../headless/cliIo'
import { quickConfig, tempDataDir } from './hostHarness'

describe('run exports in pages', () => {
  let t: ReturnType<typeof tempDataDir>
  let store: RunStore
  let id: string
  beforeEach(() => {
    t = tempDataDir()
    store = RunStore.open({ dbPath: t.dbPath, dataDir: t.dir })
    id = store.createRun({ config: quickConfig(), name: 'dense, "quoted"\nrun' }).id
    // Three series (one key needing CSV quoting), 30 snapshots and 2,500 events: more than one piece each.
    const batch = emptyBatch()
    for (const key of ['train/loss', 'test/accuracy', 'odd,"key"'])
      batch.metrics.push({
        runId: id,
        points: Array.from({ length: 700 }, (_, i) => ({
          key,
          step: i * 3,
          value: Math.sin(i + key.length) / 7,
        })),
      })
    for (let s = 0; s < 30; s++)
      batch.snapshots.push({
        runId: id,
        snapshot: {
          step: s * 70,
          layers: ['c1', 'c2'].map((group, g) => ({
            group,
            density: Array.from({ length: 16 }, (_, c) => ((s + c + g) % 9) / 8),
            umm: Array.from({ length: 16 }, (_, c) => (s * c + 1) / 3),
            alive: Array.from({ length: 16 }, (_, c) => (c < 16 - s / 3 ? 1 : 0)),
          })),
          densities: [{ tensor: 'c1.weight', nnz: s, size: 100, aliveSize: 90 }],
        },
      })
    for (let e = 0; e < 2_500; e++)
      batch.events.push({
        runId: id,
        step: e,
        kind: 'log',
        at: 1_000 + e,
        message: { type: 'log', level: 'info', message: `line ${e}` },
      })
    store.writeBatch(batch)
  })
  afterEach(() => {
    store.close()
    t.cleanup()
  })

  /** The whole export as one object, read straight from the store. */
  const expected = () => ({
    run: JSON.parse(JSON.stringify(store.getDetail(id))),
    metrics: store.series.metrics(id).map(({ key, steps, values }) => ({ key, steps, values })),
    layerSnapshots: store.series.layerSnapshots(id),
    events: JSON.parse(JSON.stringify(store.series.events(id, { limit: 1_000_000 }))),
  })

  it('json pages of any size join into the whole run: series, snapshots and events', () => {
    for (const pageChars of [1, 5_000, 200_000, 50_000_000]) {
      const pages = [...exportPages(store, id, 'json', pageChars)]
      if (pageChars === 1) expect(pages.length).toBeGreaterThan(10)
      if (pageChars === 50_000_000) expect(pages).toHaveLength(1)
      expect(pages.every((p) => p.fileName === `${id}.json` && p.mimeType === 'application/json')).toBe(true)
      const whole = JSON.parse(pages.map((p) => p.chunk).join(''))
      expect(whole).toEqual(expected())
      expect(whole.layerSnapshots).toHaveLength(30)
      // Ours and the run's own 'queued' status event.
      expect(whole.events.length).toBeGreaterThan(2_500)
    }
  })

  it('csv pages join into one row per metric point, and runs.export gives the same text', () => {
    const csv = [...exportPages(store, id, 'csv', 1_000)].map((p) => p.chunk).join('')
    const lines = csv.trimEnd().split('\n')
    expect(lines[0]).toBe('key,step,value')
    expect(lines).toHaveLength(1 + 3 * 700)
    expect(lines).toContain(`"odd,""key""",3,${Math.sin(1 + 9) / 7}`)
    expect(exportRun(store, id, 'csv').content).toBe(csv)
    const json = [...exportPages(store, id, 'json')].map((p) => p.chunk).join('')
    expect(exportRun(store, id, 'json').content).toBe(json)
  })

  it('refuses a cursor it did not make, saying what to pass', () => {
    expect(() => exportPage(store, id, 'json', 'metric:x')).toThrow(/pass back the "next"/)
    expect(() => exportPage(store, 'nope', 'json', undefined)).toThrow(/No run "nope"/)
  })

  it('runs export --out streams the file to disk with the same content, and a bad folder leaves nothing', async () => {
    const io = captureIo(t.dir)
    expect(
      await runsCommand.run(['export', id, '--format', 'json', '--out', 'run.json', '--db', t.dbPath], io),
    ).toBe(0)
    expect(io.err()).toContain('Wrote')
    expect(JSON.parse(readFileSync(join(t.dir, 'run.json'), 'utf8'))).toEqual(expected())
    expect(existsSync(join(t.dir, 'run.json.part'))).toBe(false)

    writeExportFile(store, id, 'csv', join(t.dir, 'metrics.csv'))
    expect(readFileSync(join(t.dir, 'metrics.csv'), 'utf8')).toBe(exportRun(store, id, 'csv').content)
    expect(() => writeExportFile(store, id, 'csv', join(t.dir, 'missing', 'metrics.csv'))).toThrow(/ENOENT/)
  })
})
