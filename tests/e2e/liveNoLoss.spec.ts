import { readFileSync } from 'node:fs'
import { expect, test, type Page, type WebSocketRoute } from '@playwright/test'
import { callHost } from './helpers'

/**
 * Nothing lost, ever: a real tiny training is opened late on its dashboard, and the page's WebSocket runs
 * through a stand-in that drops live messages (sequence gaps), holds them back and releases them in one
 * burst (a flood), then kills the connection (the page reconnects). Once the run ends, the dashboard's
 * series and snapshot steps, read from its Pinia store, must equal the run store's point for point.
 */
test.describe.configure({ mode: 'serial' })

const trainingTimeoutMs = 8 * 60_000
const session = Date.now().toString(36)

type Mode = 'pass' | 'drop' | 'hold'

interface Series {
  key: string
  steps: number[]
  values: number[]
}

/** Calls the host on a socket of its own (`?probe`: the stand-in lets it through untouched). */
const probe = <T>(page: Page, method: string, params: unknown) =>
  callHost<T>(page, method, params, '?probe=1')

/** The dashboard's own state, read from its Pinia store (Vue keeps the app on its mount element). */
async function dashboardState(page: Page) {
  return page.evaluate(() => {
    interface Store {
      runId: string | null
      series: Map<string, { steps: number[]; values: number[] }>
      snapshots: { step: number }[]
      snapshotsLoading: boolean
      loading: boolean
    }
    const element = document.querySelector('#app') as unknown as {
      __vue_app__: { config: { globalProperties: { $pinia: { _s: Map<string, Store> } } } }
    }
    const pinia = element.__vue_app__.config.globalProperties.$pinia
    const store = pinia._s.get('runDashboard')
    if (!store) return null
    return {
      runId: store.runId,
      loading: store.loading || store.snapshotsLoading,
      series: [...store.series].map(([key, s]) => ({ key, steps: [...s.steps], values: [...s.values] })),
      snapshotSteps: store.snapshots.map((s) => s.step),
    }
  })
}

test('a dashboard opened late through drops, a flood and a killed connection matches the store', async ({
  page,
}) => {
  test.setTimeout(trainingTimeoutMs + 120_000)
  let mode: Mode = 'pass'
  let dropped = 0
  let held: string[] = []
  let appSocket: WebSocketRoute | null = null
  let connections = 0

  await page.routeWebSocket('**/api*', (ws) => {
    const server = ws.connectToServer()
    if (ws.url().includes('probe')) return // forwarded as is
    connections++
    appSocket = ws
    let eventCount = 0
    ws.onMessage((message) => server.send(message))
    server.onMessage((message) => {
      const text = String(message)
      if (!text.includes('"runMessage"')) return ws.send(message)
      eventCount++
      if (mode === 'drop' && eventCount % 3 === 0) {
        dropped++
        return
      }
      if (mode === 'hold') return void held.push(text)
      ws.send(message)
    })
  })

  await page.goto('/#/runs')
  await expect.poll(() => connections, { timeout: 30_000 }).toBeGreaterThan(0)

  // A tiny real run, logging every step and snapshotting every 2 steps: many small live messages.
  const { presets } = await probe<{
    presets: { name: string; config: Record<string, Record<string, unknown>> }[]
  }>(page, 'presets.list', {})
  const base = presets.find((p) => p.name === 'quick-fashion-mnist')!.config
  const config = {
    ...base,
    data: { ...base.data, trainLimit: 1200, testLimit: 200 },
    optim: { ...base.optim, epochs: 20, batchSize: 50 },
    system: {
      ...base.system,
      logInterval: 1,
      snapshotInterval: { value: 2, unit: 'steps' },
      checkpointInterval: { value: 1000, unit: 'steps' },
    },
  }
  const run = await probe<{ id: string }>(page, 'runs.create', {
    config,
    name: `e2e live no loss ${session}`,
  })
  const progressStep = async () =>
    (await probe<{ progress: { step: number } | null; status: string }>(page, 'runs.get', { runId: run.id }))
      .progress?.step ?? 0

  // Opened late: the run has trained a while before the dashboard asks for it.
  await expect.poll(progressStep, { timeout: trainingTimeoutMs, intervals: [1_000] }).toBeGreaterThan(15)
  await page.goto(`/#/runs/${run.id}`)
  await expect(page.getByTestId('run-title')).toBeVisible({ timeout: 60_000 })
  await page.waitForTimeout(2_000)

  // The connection dies; the page reconnects and reloads the run.
  const before = connections
  await appSocket!.close({ code: 1011, reason: 'killed by the test' })
  await expect.poll(() => connections, { timeout: 60_000 }).toBeGreaterThan(before)
  await expect(page.getByTestId('run-title')).toBeVisible({ timeout: 60_000 })
  await page.waitForTimeout(2_000)

  // Then every third live message is lost, and after that everything is held back and arrives at once.
  mode = 'drop'
  await page.waitForTimeout(4_000)
  mode = 'hold'
  await page.waitForTimeout(3_000)
  mode = 'pass'
  const burst = held
  held = []
  for (const text of burst) appSocket!.send(text)
  mode = 'drop'
  await page.waitForTimeout(3_000)
  mode = 'pass'
  // Only a run still training after all that tests the live path (a reload would hide losses).
  const afterDisturbance = await probe<{ status: string }>(page, 'runs.get', { runId: run.id })
  expect(afterDisturbance.status, 'the run ended before the test finished disturbing it').toBe('running')

  await expect
    .poll(async () => (await probe<{ status: string }>(page, 'runs.get', { runId: run.id })).status, {
      timeout: trainingTimeoutMs,
      intervals: [2_000],
    })
    .toBe('completed')

  const stored = await probe<{ series: Series[] }>(page, 'runs.metrics', { runId: run.id })
  const snapshots = await probe<{ snapshots: { step: number }[] }>(page, 'runs.layerSnapshots', {
    runId: run.id,
  })
  expect(stored.series.find((s) => s.key === 'train/loss')?.steps.length ?? 0).toBeGreaterThan(200)
  expect(snapshots.snapshots.length).toBeGreaterThan(100)
  expect(dropped).toBeGreaterThan(0)
  expect(burst.length).toBeGreaterThan(0)

  // The dashboard catches up on its own (gaps are read back); then every point must match.
  const want = {
    series: stored.series
      .map((s) => ({ key: s.key, steps: s.steps, values: s.values }))
      .sort((a, b) => a.key.localeCompare(b.key)),
    snapshotSteps: snapshots.snapshots.map((s) => s.step),
  }
  await expect
    .poll(
      async () => {
        const state = await dashboardState(page)
        if (!state || state.runId !== run.id) return null
        return {
          series: state.series.sort((a, b) => a.key.localeCompare(b.key)),
          snapshotSteps: state.snapshotSteps,
        }
      },
      { timeout: 60_000, intervals: [1_000] },
    )
    .toEqual(want)

  // The Export JSON button downloads the same run (read from the host page by page).
  await expect(page.getByTestId('run-result')).toBeVisible({ timeout: 60_000 })
  const download = page.waitForEvent('download')
  await page.getByTestId('export-json').click()
  const exported = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as {
    run: { id: string }
    metrics: Series[]
    layerSnapshots: { step: number }[]
  }
  expect(exported.run.id).toBe(run.id)
  expect(exported.metrics.sort((a, b) => a.key.localeCompare(b.key))).toEqual(want.series)
  expect(exported.layerSnapshots.map((s) => s.step)).toEqual(want.snapshotSteps)

  test.info().annotations.push({
    type: 'live',
    description: `${dropped} messages dropped, ${burst.length} held and burst, ${connections} connections`,
  })
})
