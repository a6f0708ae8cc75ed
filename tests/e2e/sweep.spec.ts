import { resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { callHost, chooseField, expectChart, screenshot, setField } from './helpers'

/**
 * A 2 × 2 sweep (two seeds × two channel sparsities) started from the run form on the local executor,
 * read on its sweep page: live statuses, seeds folded into mean ± std, the seed band, the Pareto plot.
 */
test.describe.configure({ mode: 'serial' })

const fixture = resolve(import.meta.dirname, '../fixtures/data/fashion-mnist')
const tiny = {
  'data.path': fixture,
  'data.trainLimit': '400',
  'data.testLimit': '200',
  'optim.epochs': '1',
  'optim.batchSize': '50',
}
const trainingTimeoutMs = 10 * 60_000

let page: Page

/** `sweeps.get` requests the page sent: the sweep page follows pushed events instead of polling. */
let sweepReads = 0

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage()
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`))
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      if (String(payload).includes('"sweeps.get"')) sweepReads++
    }),
  )
})
test.afterAll(async () => {
  await page.close()
})

test('varies two fields of the run form into a 2 × 2 sweep and reads it on its page', async () => {
  test.setTimeout(trainingTimeoutMs + 5 * 60_000)
  await page.goto('/#/runs/new')
  await chooseField(page, 'preset-select', 'quick-fashion-mnist')
  await setField(page, 'name', `e2e sweep ${Date.now().toString(36)}`)
  for (const [path, value] of Object.entries(tiny)) await setField(page, path, value)

  await page.getByTestId('vary-system.seed').click()
  await page.getByTestId('axis-values-system.seed').fill('41, 42')
  await page.getByTestId('vary-channels.sparsity').click()
  // A value the plan refuses is named with its cell before anything starts.
  await page.getByTestId('axis-values-channels.sparsity').fill('0, 1.5')
  await expect(page.getByTestId('sweep-problems')).toContainText('channels.sparsity')
  await expect(page.getByTestId('start-sweep')).toBeDisabled()
  await page.getByTestId('axis-values-channels.sparsity').fill('0, 0.3')
  await expect(page.getByTestId('sweep-preview')).toContainText('4 runs')
  await screenshot(page, 'sweep-01-form', { fullPage: false })
  await page.getByTestId('start-sweep').click()

  await expect(page).toHaveURL(/#\/sweeps\/sweep-[^/?]+$/)
  const sweepId = /#\/sweeps\/([^/?]+)$/.exec(page.url())![1]!
  await expect(page.getByTestId('sweep-facts')).toContainText('4 runs on local')
  // Seeds fold: two rows (Sc 0 and Sc 0.3) of two runs each.
  await expect(page.getByTestId('sweep-table').locator('tbody tr')).toHaveCount(2)
  await expect
    .poll(
      async () => {
        const statuses = await page.getByTestId('cell-status').allTextContents()
        if (statuses.includes('failed')) throw new Error(`a run failed: ${statuses.join(', ')}`)
        return statuses.filter((s) => s.trim() === 'completed').length
      },
      { timeout: trainingTimeoutMs, intervals: [2_000] },
    )
    .toBe(4)
  await expect(page.getByTestId('row-accuracy').first()).toContainText('± ')
  await expect(page.getByTestId('row-accuracy').first()).toContainText('(n=2)')
  await expectChart(page, 'seed-band')
  await expectChart(page, 'sweep-pareto')
  await expectChart(page, 'sweep-parallel')
  // Every status change above arrived pushed: the page read the sweep once, no polling, no reload.
  expect(sweepReads).toBe(1)
  // Rows are selected by their label: a click on the row's centre lands on a cell's buttons.
  await page.getByTestId('sweep-row-label-1').click()
  await expect(page.getByTestId('sweep-row-1')).toHaveClass(/selected/)
  await expectChart(page, 'seed-band')
  await screenshot(page, 'sweep-02-page')

  // One cell's run is deleted on its own, after a confirmation: a stray click deletes nothing.
  await page.getByTestId('cell-delete-3').click()
  await expect(page.getByRole('dialog', { name: 'Delete this run?' })).toBeVisible()
  await expect(page.getByTestId('sweep-cell-3').getByTestId('cell-status')).toHaveText('completed')
  const deletedRunId = await page.getByTestId('sweep-cell-3').locator('a').getAttribute('href')
  await page.getByRole('dialog', { name: 'Delete this run?' }).getByTestId('dialog-confirm').click()
  await expect(page.getByTestId('sweep-cell-3').getByTestId('cell-status')).toHaveText('deleted')
  await expect(page.getByTestId('cell-status')).toHaveText(['completed', 'completed', 'completed', 'deleted'])
  // The page keeps answering, and the host agrees: the run is gone, the other cells keep theirs.
  await page.getByTestId('sweep-row-label-0').click()
  await expect(page.getByTestId('sweep-row-0')).toHaveClass(/selected/)
  const onHost = await callHost<{ cellRecords: { index: number; runId: string | null }[] }>(
    page,
    'sweeps.get',
    {
      sweepId,
    },
  )
  expect(onHost.cellRecords.map((c) => c.runId === null)).toEqual([false, false, false, true])
  const runIds = (await callHost<{ runs: { id: string }[] }>(page, 'runs.list', {})).runs.map((r) => r.id)
  expect(runIds).not.toContain(deletedRunId!.replace('#/runs/', ''))
  for (const cell of onHost.cellRecords.slice(0, 3)) expect(runIds).toContain(cell.runId)

  // The sweep is listed with its progress.
  await page.goto('/#/sweeps')
  await expect(page.getByTestId('sweeps-table')).toContainText('3/4 completed')
})
