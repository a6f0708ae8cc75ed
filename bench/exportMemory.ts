/**
 * Exports stream (issue #20): the JSON export of a dense long run (a snapshot every 100 steps) written page
 * by page, against the one-piece answer `runs.export` used to build, each in its own process:
 * `npm run bench -- exportMemory` (EXPORT_SCALE=1 for the paper's 76,000 steps; default 0.25).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildLongrunStore } from './longrun/buildStore'
import { paperShape, scaledShape } from './longrun/paperScaleRun'

const scale = Number(process.env.EXPORT_SCALE ?? 0.25)
const dir = mkdtempSync(join(tmpdir(), 'chase-export-bench-'))

interface Measured {
  bytes: number
  seconds: number
  maxRssMb: number
}

/** Runs one export in a child; with `heapMb` its JS heap is capped there, and a crash answers null. */
function measure(
  mode: 'idle' | 'paged' | 'whole',
  dbPath: string,
  runId: string,
  heapMb?: number,
): Measured | null {
  const out = join(dir, `${mode}.json`)
  const result = spawnSync(
    'npx',
    ['--no-install', 'tsx', 'bench/exportMemory/exportChild.ts', mode, dbPath, runId, out],
    {
      encoding: 'utf8',
      maxBuffer: 16 << 20,
      env: heapMb ? { ...process.env, NODE_OPTIONS: `--max-old-space-size=${heapMb}` } : process.env,
    },
  )
  if (result.status !== 0) {
    if (heapMb) return null
    throw new Error(`${mode} export failed:\n${result.stderr}`)
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Measured
}

try {
  const shape = scale === 1 ? paperShape : scaledShape(scale)
  const store = await buildLongrunStore({
    dir,
    longRuns: [{ ...shape, snapshotEverySteps: 100 }],
    smallRuns: 0,
    onProgress: (line) => console.log(line),
  })
  const runId = store.longRunIds[0]!
  console.log(`store built in ${store.seconds.toFixed(1)} s (scale ${scale}, ${shape.totalSteps} steps)`)
  const idle = measure('idle', store.dbPath, runId)!
  const whole = measure('whole', store.dbPath, runId)!
  const paged = measure('paged', store.dbPath, runId)!
  const same =
    JSON.stringify(JSON.parse(readFileSync(join(dir, 'paged.json'), 'utf8'))) ===
    JSON.stringify(JSON.parse(readFileSync(join(dir, 'whole.json'), 'utf8')))
  const row = (name: string, m: Measured) =>
    `${name.padEnd(28)} ${(m.bytes / 1e6).toFixed(1).padStart(8)} MB file  ${m.seconds.toFixed(2).padStart(7)} s  peak RSS ${m.maxRssMb.toFixed(0).padStart(6)} MB`
  console.log(row('process alone (baseline)', idle))
  console.log(row('one answer (reference)', whole))
  console.log(row('page by page (runs export)', paged))
  const above = (m: Measured) => m.maxRssMb - idle.maxRssMb
  console.log(
    `peak memory ratio paged / one answer: ${(paged.maxRssMb / whole.maxRssMb).toFixed(3)} ` +
      `(above the baseline: ${above(paged).toFixed(0)} MB / ${above(whole).toFixed(0)} MB = ` +
      `${(above(paged) / above(whole)).toFixed(3)}); ` +
      `time ratio: ${(paged.seconds / whole.seconds).toFixed(2)}; same content: ${same ? 'yes' : 'NO'}`,
  )
  // The working set, not the garbage the collector has not yet taken: each again with a 48 MB JS heap.
  const cappedPaged = measure('paged', store.dbPath, runId, 48)
  const cappedWhole = measure('whole', store.dbPath, runId, 48)
  const capped = (m: Measured | null) =>
    m ? `completes (${(m.bytes / 1e6).toFixed(1)} MB file)` : 'runs out of memory'
  console.log(`with a 48 MB JS heap: page by page ${capped(cappedPaged)}; one answer ${capped(cappedWhole)}`)
  if (!same || !cappedPaged) process.exitCode = 1
} finally {
  rmSync(dir, { recursive: true, force: true })
}
