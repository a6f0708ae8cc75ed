import { expect, test, type Page } from '@playwright/test'
import { chooseField, dashboardRunId, expectChart, expectStatus, screenshot, setField } from './helpers'

/**
 * The whole browser-mode flow against a real host and real (tiny) trainings: create a run from a preset
 * through the form, watch it train, stop and resume it, clone it, compare the two runs, benchmark one,
 * and manage the list. One worker, in order: each step builds on the previous one.
 */
test.describe.configure({ mode: 'serial' })

// A few hundred Fashion-MNIST images: seconds per epoch on a laptop CPU, yet every Chase phase happens.
const tiny = {
  'data.trainLimit': '1200',
  'data.testLimit': '200',
  'optim.epochs': '3',
  'optim.batchSize': '50',
}
// Real training on a shared machine: generous limits for the steps that wait on it.
const trainingTimeoutMs = 8 * 60_000

// Names carry this session's mark, so filters find this session's runs even on a host with older ones.
const session = Date.now().toString(36)
const firstName = `e2e tiny chase ${session}`
const secondName = `e2e tiny chase Sc 0.3 ${session}`

let page: Page
let firstRunId = ''
let secondRunId = ''

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage()
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`))
})
test.afterAll(async () => {
  await page.close()
})

test('the runs page loads, answers the keyboard and switches between light and dark themes', async () => {
  await page.goto('/#/runs')
  await expect(page.getByRole('heading', { name: 'Runs' })).toBeVisible()
  // Navigation works from the keyboard alone.
  await page.getByRole('link', { name: 'New run' }).focus()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/#\/runs\/new$/)
  await page.keyboard.press('Shift+Tab')
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/#\/runs$/)
  await expect(page.getByRole('status')).toHaveText(/connected|local/)
  await screenshot(page, '01-runs-empty-light')
  await page.getByTestId('theme-toggle').click()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await screenshot(page, '02-runs-empty-dark')
  await page.getByTestId('theme-toggle').click()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
})

test('creates a run from a preset through the form, rejecting an invalid value first', async () => {
  await page.goto('/#/runs/new')
  await chooseField(page, 'preset-select', 'quick-fashion-mnist')
  await expect(page.getByTestId('plan-preview')).toContainText('Channel events')
  await expectChart(page, 'plan-preview')

  // An invalid density is refused inline and blocks the start.
  await setField(page, 'sparsity.density', '1.5')
  await expect(page.getByTestId('error-sparsity.density')).toContainText('at most 1')
  await expect(page.getByTestId('start-run')).toBeDisabled()
  await page.getByTestId('field-sparsity.density').evaluate((el) => el.scrollIntoView({ block: 'center' }))
  await screenshot(page, '03-new-run-invalid', { fullPage: false })
  // So is a value that is not a number at all.
  await setField(page, 'optim.epochs', 'three')
  await expect(page.getByTestId('error-optim.epochs')).toContainText('number')
  await setField(page, 'sparsity.density', '0.1')
  await expect(page.getByTestId('error-sparsity.density')).toHaveCount(0)

  await setField(page, 'name', firstName)
  for (const [path, value] of Object.entries(tiny)) await setField(page, path, value)
  await expect(page.getByTestId('error-optim.epochs')).toHaveCount(0)
  // Snapshots every few steps so the heatmap gets columns in a short run.
  await setField(page, 'system.snapshotInterval', '3')
  await chooseField(page, 'field-system.snapshotInterval-unit', 'steps')
  await page.getByTestId('tags-input').fill('e2e, tiny')
  // The live plan follows the form: 3 epochs of 1140 images at batch 50 is 23 steps per epoch.
  await expect(page.getByTestId('plan-facts')).toContainText('(23/epoch)')
  await expect(page.getByTestId('start-run')).toBeEnabled()
  await page.evaluate(() => window.scrollTo(0, 0))
  await screenshot(page, '04-new-run-valid', { fullPage: false })
  await screenshot(page, '04-new-run-valid-full')

  await page.getByTestId('start-run').click()
  firstRunId = await dashboardRunId(page)
  await expect(page.getByTestId('run-title')).toHaveText(firstName)
})

test('the dashboard fills while the run trains', async () => {
  test.setTimeout(trainingTimeoutMs)
  await expectStatus(page, 'running', trainingTimeoutMs)
  await expect(page.getByTestId('run-progress')).toContainText(/step \d+ \/ \d+/, {
    timeout: trainingTimeoutMs,
  })
  await expectChart(page, 'chart-loss', trainingTimeoutMs)
  await expectChart(page, 'chart-density', trainingTimeoutMs)
  await expectChart(page, 'heatmap-panel', trainingTimeoutMs)
  await screenshot(page, '05-dashboard-training')
})

test('pauses and resumes the run, then stops it and resumes it from its checkpoint', async () => {
  test.setTimeout(trainingTimeoutMs)
  const status = async () => (await page.getByTestId('run-status').textContent())?.trim()
  // A tiny run can finish before a button is pressed; the steps that no longer apply are then skipped.
  const press = async (testId: string) => {
    await page
      .getByTestId(testId)
      .click({ timeout: 10_000 })
      .catch(async (error: unknown) => {
        if ((await status()) !== 'completed') throw error
      })
  }

  await press('pause-run')
  await expectStatus(page, /paused|completed/)
  // The host accepts the request at once; the trainer finishes its current step and then holds,
  // saying so with its own phase. A request that lands after the last step (while the trainer slims
  // and recalibrates) has no step left to hold before: that run completes.
  const phase = async () => (await page.getByTestId('run-phase').textContent())?.trim() ?? ''
  await expect
    .poll(async () => (await status()) === 'completed' || /^paused/.test(await phase()), { timeout: 30_000 })
    .toBe(true)
  if ((await status()) === 'paused') {
    // Only from now on must the step counter stand still.
    const step = await page.getByTestId('run-progress').textContent()
    await page.waitForTimeout(2_000)
    // Paused means paused: no step is taken meanwhile.
    expect(await page.getByTestId('run-progress').textContent()).toBe(step)
    await screenshot(page, '06-dashboard-paused')
    await press('resume-run')
    await expectStatus(page, /running|completed/)
  }

  await press('stop-run')
  await expectStatus(page, /cancelled|completed/, trainingTimeoutMs)
  const stopped = await status()
  await screenshot(page, '06-dashboard-stopped')
  if (stopped === 'cancelled') {
    await press('resume-run')
    await expectStatus(page, /queued|running|completed/)
    await expectStatus(page, 'completed', trainingTimeoutMs)
  }
  await expect(page.getByTestId('run-result')).toBeVisible()
  await expectChart(page, 'chart-accuracy')
  await expectChart(page, 'chart-pruning-timeline')
  await screenshot(page, '07-dashboard-completed')
  test.info().annotations.push({ type: 'flow', description: `stopped as ${stopped}` })
})

test('reopening a finished run shows the same dashboard', async () => {
  await page.goto('/#/runs')
  await page.goto(`/#/runs/${firstRunId}`)
  await expectStatus(page, 'completed')
  await expect(page.getByTestId('run-result')).toBeVisible()
  await expectChart(page, 'chart-loss')
  await expectChart(page, 'heatmap-panel')
  await page.getByTestId('heatmap-umm').check()
  await page.getByTestId('heatmap-order').selectOption('removal')
  await page.getByTestId('theme-toggle').click()
  await screenshot(page, '08-dashboard-reopened-dark')
  await page.getByTestId('theme-toggle').click()
})

test('clones the run config into the form and trains a variant', async () => {
  test.setTimeout(trainingTimeoutMs)
  await page.getByRole('link', { name: 'Clone config' }).click()
  await expect(page.getByTestId('clone-note')).toContainText(firstRunId)
  await expect(page.getByTestId('field-data.trainLimit')).toHaveValue(tiny['data.trainLimit'])
  await setField(page, 'name', secondName)
  await setField(page, 'channels.sparsity', '0.3')
  await setField(page, 'optim.epochs', '2')
  await page.getByTestId('start-run').click()
  secondRunId = await dashboardRunId(page)
  expect(secondRunId).not.toBe(firstRunId)
  await expectStatus(page, 'completed', trainingTimeoutMs)
  await screenshot(page, '09-dashboard-second-run')
})

test('compares the two runs from the runs table', async () => {
  await page.goto('/#/runs')
  await page.getByTestId('runs-filter').fill(session)
  await expect(page.getByTestId('runs-count')).toContainText(/^2 of \d+ runs/)
  await page.getByTestId(`select-${firstRunId}`).check()
  await page.getByTestId(`select-${secondRunId}`).check()
  await screenshot(page, '10-runs-selected')
  await page.getByTestId('compare-selected').click()
  await expect(page).toHaveURL(/#\/compare\?ids=/)
  await expect(page.getByTestId('compare-diff')).toContainText('channels.sparsity')
  await expect(page.getByTestId('compare-diff')).not.toContainText('data.trainLimit')
  await expectChart(page, 'compare-curves')
  await expectChart(page, 'compare-pareto')
  await screenshot(page, '11-compare')
})

test('benchmarks the slimmed network against the dense one', async () => {
  test.setTimeout(trainingTimeoutMs)
  await page.goto(`/#/bench?run=${firstRunId}`)
  await page.getByTestId('bench-run').selectOption(firstRunId)
  await page.getByTestId('bench-batches').fill('1, 16')
  await page.getByTestId('bench-warmup').fill('1')
  await page.getByTestId('bench-reps').fill('5')
  await page.getByTestId('bench-start').click()
  await expect(page.getByTestId('bench-result')).toHaveAttribute('data-status', 'completed', {
    timeout: trainingTimeoutMs,
  })
  await expect(page.getByTestId('bench-stats')).toContainText('slimmed')
  await expectChart(page, 'bench-result')
  // Saved with the run: the newest entry of the list is this benchmark of the first run.
  await expect(page.getByTestId('bench-list').locator('tbody tr').first()).toContainText(firstName)
  await screenshot(page, '12-bench')
})

test('archives one run and deletes the other after confirming', async () => {
  await page.goto('/#/runs')
  await page.getByTestId(`archive-${firstRunId}`).click()
  await page.getByTestId('runs-filter').fill(session)
  await expect(page.locator(`[data-run-id="${firstRunId}"]`)).toHaveCount(0)
  await expect(page.getByTestId('runs-count')).toContainText(/^1 of \d+ runs/)
  await page.getByTestId('show-archived').check()
  await expect(page.locator(`[data-run-id="${firstRunId}"]`)).toHaveCount(1)
  await expect(page.getByTestId('runs-count')).toContainText(/^2 of \d+ runs/)

  await page.getByTestId(`delete-${secondRunId}`).click()
  await expect(page.getByRole('dialog')).toContainText('no undo')
  await screenshot(page, '13-runs-delete-confirm')
  await page.getByTestId('dialog-cancel').click()
  await expect(page.locator(`[data-run-id="${secondRunId}"]`)).toHaveCount(1)
  await page.getByTestId(`delete-${secondRunId}`).click()
  await page.getByTestId('dialog-confirm').click()
  await expect(page.locator(`[data-run-id="${secondRunId}"]`)).toHaveCount(0)
  await expect(page.getByTestId('runs-count')).toContainText(/^1 of \d+ runs/)
  await screenshot(page, '14-runs-after-delete')
})
