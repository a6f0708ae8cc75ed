import { join } from 'node:path'
import Database from 'better-sqlite3'
import { expect, test } from '@playwright/test'
import { chooseField, dashboardRunId, expectStatus, screenshot, setField } from './helpers'

/**
 * "Start over" on the run page (for a run whose checkpoints are all damaged): a stopped run trains the
 * same config again from step 0. The host's database is read alongside (read-only) to tell a start from
 * step 0 apart from a resume: the stop's checkpoint must be gone, every checkpoint of the finished run
 * written after the click, and the config unchanged.
 */
const external = process.env.E2E_BASE_URL !== undefined

interface RunRow {
  readonly config_hash: string
  readonly config_json: string
  readonly status: string
}
interface CheckpointRow {
  readonly step: number
  readonly created_at: number
}

function readRun(runId: string): { run: RunRow; checkpoints: CheckpointRow[] } {
  const db = new Database(join(process.env.E2E_DATA_DIR!, 'workbench.db'), { readonly: true })
  try {
    const run = db
      .prepare('SELECT seq, config_hash, config_json, status FROM runs WHERE id = ?')
      .get(runId) as RunRow & { seq: number }
    const checkpoints = db
      .prepare('SELECT step, created_at FROM checkpoints WHERE run_seq = ? ORDER BY step')
      .all(run.seq) as CheckpointRow[]
    return { run, checkpoints }
  } finally {
    db.close()
  }
}

test('Start over trains a stopped run again from step 0 with the same config', async ({ page }) => {
  test.skip(external, 'reads the host database, which E2E_BASE_URL (an already running host) does not expose')
  test.setTimeout(12 * 60_000)
  await page.goto('/#/runs/new')
  await chooseField(page, 'preset-select', 'quick-fashion-mnist')
  await setField(page, 'name', `e2e start over ${Date.now().toString(36)}`)
  for (const [path, value] of Object.entries({
    'data.trainLimit': '1200',
    'data.testLimit': '100',
    'optim.epochs': '4',
    'optim.batchSize': '50',
  }))
    await setField(page, path, value)
  // The form's plan preview estimates the memory a training step needs.
  await expect(page.getByTestId('plan-memory')).toHaveText(/^≥ \d+(\.\d)? (KiB|MiB)$/)
  await expect(page.getByTestId('start-run')).toBeEnabled()
  await page.getByTestId('start-run').click()
  const runId = await dashboardRunId(page)

  // Let it train a while, then stop it: a checkpoint is written at the stop.
  await expectStatus(page, 'running', 6 * 60_000)
  await expect(page.getByTestId('run-progress')).toContainText(/step ([1-9]\d+) \//, { timeout: 6 * 60_000 })
  await page.getByTestId('stop-run').click()
  await expectStatus(page, 'cancelled', 2 * 60_000)
  const stopped = readRun(runId)
  expect(stopped.checkpoints.length).toBeGreaterThan(0)
  const stopStep = stopped.checkpoints.at(-1)!.step
  expect(stopStep).toBeGreaterThan(0)
  await screenshot(page, 'start-over-stopped')

  const clickedAt = Date.now()
  await page.getByTestId('start-over-run').click()
  await expectStatus(page, /queued|running|completed/)
  // Started over, the run trains every step again and completes.
  await expectStatus(page, 'completed', 8 * 60_000)
  await expect(page.getByTestId('run-result')).toBeVisible()
  await screenshot(page, 'start-over-completed')

  const finished = readRun(runId)
  expect(finished.run.status).toBe('completed')
  expect(finished.run.config_hash).toBe(stopped.run.config_hash)
  expect(finished.run.config_json).toBe(stopped.run.config_json)
  // A resume would have kept the stop's checkpoint; a start over drops it and writes every one anew.
  expect(finished.checkpoints.length).toBeGreaterThan(0)
  for (const c of finished.checkpoints) expect(c.created_at).toBeGreaterThanOrEqual(clickedAt)
  // The start-over button is gone once the run completed (only stopped, failed or interrupted runs have it).
  await expect(page.getByTestId('start-over-run')).toHaveCount(0)
})
