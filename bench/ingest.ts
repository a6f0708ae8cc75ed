/**
 * Metric ingestion into SQLite while a run is live: `npx tsx bench/ingest.ts [points]`.
 *
 * A fixture trainer process trains a live run (its own metrics, progress and checkpoints flowing) while
 * a second, in-process trainer floods the host with `metrics` messages of 1,000 points each. Every
 * message takes the production path: `TrainerToHost` validation in the trainer session, the flusher's
 * batching, one SQLite transaction per flush (WAL). The clock stops when the last point is committed.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { presetConfig } from '../src/shared/config/presets'
import { createHost } from '../src/main/host/host'
import { forkTrainerLauncher } from '../src/main/host/forkTrainerLauncher'
import type { TrainerExit, TrainerLauncher, TrainerProcess } from '../src/main/host/trainerLauncher'

const totalPoints = Number(process.argv[2] ?? 2_000_000)
const pointsPerMessage = 1_000
const keys = ['train/loss', 'train/accuracy', 'train/lr', 'train/density', 'train/channelSparsity']

/** The second run's trainer: driven from here, no process, so the host is the only thing measured. */
function floodTrainer(): { process: TrainerProcess; emit: (message: unknown) => void; exit: () => void } {
  const listeners: ((m: unknown) => void)[] = []
  const exits: ((e: TrainerExit) => void)[] = []
  return {
    process: {
      pid: process.pid,
      send: () => true,
      onMessage: (l) => listeners.push(l),
      onExit: (l) => exits.push(l),
      kill: () => exits.forEach((l) => l({ code: null, signal: 'SIGKILL' })),
    },
    emit: (m) => listeners.forEach((l) => l(m)),
    exit: () => exits.forEach((l) => l({ code: 0, signal: null })),
  }
}

const dir = mkdtempSync(join(tmpdir(), 'chase-ingest-'))
const fixture = forkTrainerLauncher({
  entry: resolve(import.meta.dirname, '../tests/fixtures/trainers/fixtureTrainer.ts'),
  env: { FIXTURE_TRAINER: JSON.stringify({ steps: 1_000_000, stepMs: 2, keys: 4, checkpointEvery: 500 }) },
})
const flood = floodTrainer()
let launches = 0
const launcher: TrainerLauncher = {
  launch: (options) => (launches++ === 0 ? fixture.launch(options) : flood.process),
}
const host = createHost({
  paths: { dbPath: join(dir, 'workbench.db'), dataDir: dir },
  launcher,
  shell: 'headless',
  concurrency: 2,
})

try {
  const live = host.supervisor.create({
    config: presetConfig('quick-fashion-mnist'),
    name: 'live fixture run',
  })
  const measured = host.supervisor.create({ config: presetConfig('quick-fashion-mnist'), name: 'flood' })
  // Let the live run get going before measuring.
  while ((host.store.getSummary(live.id)?.progress?.step ?? 0) < 50)
    await new Promise((r) => setTimeout(r, 20))
  flood.emit({ type: 'ready', pid: process.pid, node: process.version })

  const started = process.hrtime.bigint()
  let step = 0
  for (let sent = 0; sent < totalPoints; sent += pointsPerMessage) {
    const points = new Array(pointsPerMessage)
    for (let i = 0; i < pointsPerMessage; i++) {
      points[i] = { key: keys[i % keys.length]!, step, value: Math.random() }
      if (i % keys.length === keys.length - 1) step++
    }
    flood.emit({ type: 'metrics', points })
    // Yield now and then so the live run's messages and the flush timer keep flowing.
    if ((sent / pointsPerMessage) % 20 === 0) await new Promise((r) => setImmediate(r))
  }
  host.supervisor.flusher.flush()
  const seconds = Number(process.hrtime.bigint() - started) / 1e9

  const stored = host.store.series.metricKeys(measured.id).reduce((n, k) => n + k.points, 0)
  const liveStep = host.store.getSummary(live.id)?.progress?.step ?? 0
  const liveStatus = host.store.getSummary(live.id)?.status
  const rate = Math.round(totalPoints / seconds)
  console.log(
    `ingested ${totalPoints.toLocaleString('en-US')} points in ${seconds.toFixed(2)} s: ${rate.toLocaleString('en-US')} points/s`,
  )
  console.log(
    `stored ${stored.toLocaleString('en-US')} points for the flooded run; live run ${liveStatus} at step ${liveStep}`,
  )
  console.log(`integrity_check: ${host.store.integrityCheck()}`)
  if (stored !== totalPoints) {
    console.error('not every point was stored')
    process.exitCode = 1
  } else if (rate < 100_000) {
    console.error('below the 100,000 points/s target')
    process.exitCode = 1
  }

  // For context: the SQLite write alone (one transaction, no validation), on the same live database.
  const batchPoints = Array.from({ length: 200_000 }, (_, i) => ({
    key: keys[i % keys.length]!,
    step: step + i,
    value: i,
  }))
  const writeStarted = process.hrtime.bigint()
  host.store.writeBatch({
    metrics: [{ runId: measured.id, points: batchPoints }],
    snapshots: [],
    events: [],
    checkpoints: [],
    patches: new Map(),
  })
  const writeSeconds = Number(process.hrtime.bigint() - writeStarted) / 1e9
  console.log(
    `SQLite write alone: ${Math.round(200_000 / writeSeconds).toLocaleString('en-US')} points/s (200,000 in one transaction)`,
  )
  flood.exit()
} finally {
  await host.close(2_000)
  rmSync(dir, { recursive: true, force: true })
}
