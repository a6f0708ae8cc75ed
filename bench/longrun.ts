/**
 * A dashboard that holds at paper scale (issue #20): `npm run bench -- longrun`.
 *
 * 1. Builds the issue's store through the host's ingestion path (bench/longrun/buildStore.ts): VGG-19 on
 *    CIFAR-100, 76,000 steps, 14 metric keys, 4,992 channels in 15 groups, 1 % snapshots (and a second
 *    run with a snapshot every 100 steps), plus 300 small runs. LONGRUN_STORE=<folder> reuses one.
 * 2. Serves it with `chase-workbench serve` (its own process, as a user runs it) and opens each long run
 *    the way the dashboard does (the same `RunFeed` over the same WebSocket transport), timing the first
 *    curves and the complete history, while a second client pings the host every 20 ms.
 * 3. Live: a host plays a 76,000-step run in 2 minutes with a snapshot every 100 steps; a client opens it
 *    late (at 40 %), follows it to the end, and is compared with the store point for point. Lag is the time
 *    from the trainer handing a batch to the host to the client holding it; host memory is sampled.
 *
 * 2b. The same dashboards in Chromium against the same served store (bench/longrun/browserDashboard.ts):
 *    first curves drawn, heatmap fully drawn, the longest main-thread task, while the other client pings.
 *    The renderer is built first (LONGRUN_SKIP_BUILD=1 reuses out/renderer; LONGRUN_BROWSER=0 skips this).
 *
 * Times are on this machine, shared with others: read them as an upper bound.
 * LONGRUN_SCALE=0.1 shrinks every run in steps for a quick look. LONGRUN_ONLY=browser measures only the
 * Chromium rows (2b) on a store (LONGRUN_STORE) that exists already.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startServer } from '../src/main/headless/server'
import type { RunId } from '../src/shared/api'
import { createHost } from '../src/main/host/host'
import { presetConfig } from '../src/shared/config/presets'
import { launchChromium, measureBrowserDashboard } from './longrun/browserDashboard'
import { connectClient, openFeed } from './longrun/feedClient'
import { buildLongrunStore, longRunShapes } from './longrun/buildStore'
import { paperShape, scaledShape } from './longrun/paperScaleRun'
import { scriptedLauncher } from './longrun/scriptedTrainer'

const scale = Number(process.env.LONGRUN_SCALE ?? 1)
const port = Number(process.env.LONGRUN_PORT ?? 4871)
const browserOnly = process.env.LONGRUN_ONLY === 'browser'
const rows: string[] = []
const report = (
  what: string,
  value: number,
  unit: string,
  target: number | null,
  better: 'below' | 'equal' = 'below',
) => {
  const ok =
    target === null
      ? ''
      : better === 'below'
        ? value < target
          ? 'ok'
          : 'MISSED'
        : value === target
          ? 'ok'
          : 'MISSED'
  const line = `${what.padEnd(58)} ${value.toFixed(unit === 'points' ? 0 : 2).padStart(10)} ${unit.padEnd(6)} ${target === null ? '' : `target ${better === 'below' ? '<' : '='} ${target}`.padEnd(16)} ${ok}`
  rows.push(line)
  console.log(line)
}
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN
}
const median = (values: number[]) => quantile(values, 0.5)

const work = mkdtempSync(join(tmpdir(), 'chase-longrun-'))
try {
  // 1. The store.
  let storeDir = process.env.LONGRUN_STORE
  let longRunIds: string[]
  if (storeDir) {
    const host = createHost({
      paths: { dbPath: join(storeDir, 'workbench.db'), dataDir: storeDir },
      launcher: scriptedLauncher(() => ({ shape: paperShape })),
      shell: 'headless',
    })
    longRunIds = host.store
      .listRuns({ experiment: 'longrun', limit: 10, offset: 0, includeArchived: true })
      .runs.map((r) => r.id)
      .reverse()
    await host.close()
    console.log(`reusing ${storeDir}: long runs ${longRunIds.join(', ')}`)
  } else {
    storeDir = join(work, 'store')
    const built = await buildLongrunStore({
      dir: storeDir,
      longRuns: longRunShapes(scale),
      onProgress: console.log,
    })
    longRunIds = built.longRunIds
    report('store built through the ingestion path', built.seconds, 's', null)
  }

  // 2. Opening dashboards on a served store (the page too, when measured in the browser).
  const inBrowser = process.env.LONGRUN_BROWSER !== '0'
  if (inBrowser && process.env.LONGRUN_SKIP_BUILD !== '1') {
    const built = spawnSync(
      'npx',
      ['--no-install', 'vite', 'build', '--config', 'src/renderer/vite.config.ts', '--logLevel', 'warn'],
      { stdio: 'inherit' },
    )
    if (built.status !== 0) throw new Error('building the renderer for the browser rows failed')
  }
  const serve = spawn(
    process.execPath,
    [resolve('bin/chase-workbench'), 'serve', '--port', String(port), '--db', join(storeDir, 'workbench.db')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  // Never leave the server behind, even when this script dies of an error.
  process.once('exit', () => serve.kill())
  try {
    await new Promise<void>((ready, fail) => {
      serve.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('serving at') && ready())
      serve.once('exit', (code) => fail(new Error(`serve exited with ${code}`)))
    })
    const url = `ws://127.0.0.1:${port}/api`
    const watcher = connectClient(url)
    const other = connectClient(url)
    await other.client.call('system.info', {})
    /** Runs `work` while the other client asks for one run every 20 ms; returns its round trips. */
    const whilePinging = async <T>(work: () => Promise<T>) => {
      const roundTrips: number[] = []
      let pinging = true
      const pings = (async () => {
        while (pinging) {
          const t = performance.now()
          await other.client.call('runs.list', { limit: 1 })
          roundTrips.push(performance.now() - t)
          await new Promise((r) => setTimeout(r, 20))
        }
      })()
      const result = await work()
      pinging = false
      await pings
      return { result, roundTrips }
    }
    for (const [i, runId] of browserOnly ? [] : longRunIds.entries()) {
      // Reference, same host, same moment: how the dashboard loaded before (one JSON answer of every
      // snapshot, validated number by number, beside the run and its curves).
      const before = await whilePinging(async () => {
        const t = performance.now()
        const [, , answer] = await Promise.all([
          watcher.client.call('runs.get', { runId: runId as RunId }),
          watcher.client.call('runs.metrics', { runId: runId as RunId, maxPoints: 5_000 }),
          watcher.client.call('runs.layerSnapshots', { runId: runId as RunId, maxSnapshots: 1_000 }),
        ])
        return { ms: performance.now() - t, snapshots: answer.snapshots.length }
      })
      const now = await whilePinging(async () => {
        const opened = openFeed(watcher.client, runId)
        const curves = await opened.curvesMs
        const complete = await opened.completeMs
        opened.close()
        return { curves, complete, snapshots: opened.feed.snapshots.length }
      })
      const label = `run ${i + 1} (${now.result.snapshots} snapshots)`
      report(`${label}: first curves`, now.result.curves / 1000, 's', 1)
      report(`${label}: every snapshot loaded`, now.result.complete / 1000, 's', i === 0 ? 2 : 4)
      report(`${label}: reference, first anything (old one-answer load)`, before.result.ms / 1000, 's', null)
      report(`${label}: first curves, ratio to reference`, now.result.curves / before.result.ms, 'x', null)
      report(
        `${label}: every snapshot, ratio to reference`,
        now.result.complete / before.result.ms,
        'x',
        null,
      )
      report(`${label}: other client's round trip, p95`, quantile(now.roundTrips, 0.95), 'ms', 100)
      report(`${label}: other client's round trip, max`, Math.max(...now.roundTrips), 'ms', null)
      report(`${label}: reference round trip, p95`, quantile(before.roundTrips, 0.95), 'ms', null)
      report(`${label}: reference round trip, max`, Math.max(...before.roundTrips), 'ms', null)
    }
    if (inBrowser) {
      const browser = await launchChromium()
      try {
        for (const [i, runId] of longRunIds.entries()) {
          const opened = await whilePinging(() =>
            measureBrowserDashboard(browser, `http://127.0.0.1:${port}`, runId),
          )
          const t = opened.result
          const label = `run ${i + 1} (${t.snapshots} snapshots), Chromium`
          report(`${label}: first curves drawn`, t.firstCurvesMs / 1000, 's', 1)
          report(`${label}: heatmap fully drawn`, t.fullyDrawnMs / 1000, 's', i === 0 ? 2 : 4)
          report(`${label}: longest main-thread task`, t.longestTaskMs, 'ms', 200)
          report(`${label}: longest task, page load included`, t.longestTaskWithLoadMs, 'ms', null)
          report(`${label}: page load (to the load event)`, t.pageLoadMs / 1000, 's', null)
          report(`${label}: other client's round trip, p95`, quantile(opened.roundTrips, 0.95), 'ms', 100)
        }
      } finally {
        await browser.close()
      }
    }
    watcher.transport.close()
    other.transport.close()
  } finally {
    serve.kill('SIGTERM')
    await new Promise((r) => serve.once('exit', r))
  }

  // 3. Live, opened late.
  if (!browserOnly) {
    const liveShape =
      scale === 1
        ? { ...paperShape, snapshotEverySteps: 100 }
        : scaledShape(scale, { snapshotEverySteps: 100 })
    const stepsPerSecond = liveShape.totalSteps / 120
    const handedAt = new Map<number, number>()
    const liveDir = join(work, 'live')
    const host = createHost({
      paths: { dbPath: join(liveDir, 'workbench.db'), dataDir: liveDir },
      launcher: scriptedLauncher(() => ({
        shape: liveShape,
        stepsPerSecond,
        onBatch: (step, at) => handedAt.set(step, at),
      })),
      shell: 'headless',
    })
    const server = await startServer({
      host,
      rendererDir: join(work, 'no-ui'),
      logger: { info() {}, warn() {}, error() {} },
      port: port + 1,
    })
    const rss: number[] = []
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss / 2 ** 20), 1_000)
    try {
      const run = host.supervisor.create({ config: presetConfig('paper-vgg19-cifar100'), name: 'live' })
      while ((host.store.getSummary(run.id)?.progress?.step ?? 0) < liveShape.totalSteps * 0.4)
        await new Promise((r) => setTimeout(r, 100))
      const { client, transport } = connectClient(`ws://127.0.0.1:${port + 1}/api`)
      const lags: number[] = []
      const opened = openFeed(client, run.id, (m) => {
        if (m.type !== 'progress') return
        const at = handedAt.get(m.step)
        if (at !== undefined) lags.push(Date.now() - at)
      })
      await opened.completeMs
      await host.supervisor.waitFor(run.id)
      host.supervisor.flusher.flush()
      const stored = host.store.series.metrics(run.id)
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline && !stored.every((s) => opened.feed.lastStep(s.key) === s.steps.at(-1)))
        await new Promise((r) => setTimeout(r, 50))
      let lost = 0
      for (const s of stored) {
        const mine = opened.feed.series.get(s.key)
        const have = new Set(mine?.steps ?? [])
        for (const step of s.steps) if (!have.has(step)) lost++
      }
      const storedSteps = host.store.db
        .prepare(
          'SELECT DISTINCT step FROM layer_snapshots WHERE run_seq = (SELECT seq FROM runs WHERE id = ?)',
        )
        .pluck()
        .all(run.id) as number[]
      const shownSteps = new Set(opened.feed.snapshots.map((s) => s.step))
      report(
        `live, opened at 40 %: snapshots missing (of ${storedSteps.length})`,
        storedSteps.filter((step) => !shownSteps.has(step)).length,
        'points',
        0,
        'equal',
      )
      report(
        `live, opened at 40 %: metric points missing (of ${stored.reduce((a, s) => a + s.steps.length, 0)})`,
        lost,
        'points',
        0,
        'equal',
      )
      report('live: lag from trainer to client, p95', quantile(lags, 0.95) / 1000, 's', 0.5)
      report('live: lag from trainer to client, median', median(lags) / 1000, 's', null)
      const quarter = Math.max(1, Math.floor(rss.length / 4))
      report('live: process memory, first quarter (median)', median(rss.slice(0, quarter)), 'MiB', null)
      report('live: process memory, last quarter (median)', median(rss.slice(-quarter)), 'MiB', null)
      opened.close()
      transport.close()
    } finally {
      clearInterval(sampler)
      await server.close()
      await host.close()
    }
  }
  console.log(`\nsummary (scale ${scale}, ${new Date().toISOString()}):\n${rows.join('\n')}`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
