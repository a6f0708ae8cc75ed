import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import * as ort from 'onnxruntime-node'
import { chooseField, dashboardRunId, expectStatus, screenshot, setField } from './helpers'

/**
 * The run page's exports in the browser: a tiny real run trained from the form, then the ONNX,
 * safetensors and TensorBoard files downloaded as a user would, the ONNX one run in ONNX Runtime, and
 * the benchmark page timing the run's networks on ONNX Runtime beside tfjs.
 */
test('downloads ONNX, safetensors and TensorBoard exports from a finished run page', async ({ page }) => {
  test.setTimeout(12 * 60_000)
  await page.goto('/#/runs/new')
  await chooseField(page, 'preset-select', 'quick-fashion-mnist')
  await setField(page, 'name', `e2e exports ${Date.now().toString(36)}`)
  for (const [path, value] of Object.entries({
    'data.trainLimit': '300',
    'data.testLimit': '100',
    'optim.epochs': '1',
    'optim.batchSize': '50',
  }))
    await setField(page, path, value)
  await expect(page.getByTestId('start-run')).toBeEnabled()
  await page.getByTestId('start-run').click()
  const runId = await dashboardRunId(page)
  await expectStatus(page, 'completed', 7 * 60_000)

  const exports = page.getByTestId('artifact-exports')
  await expect(exports).toBeVisible()
  const save = async (button: string) => {
    const [download] = await Promise.all([page.waitForEvent('download'), exports.getByTestId(button).click()])
    const path = test.info().outputPath(download.suggestedFilename())
    await download.saveAs(path)
    return { name: download.suggestedFilename(), bytes: readFileSync(path) }
  }

  await exports.getByTestId('export-network').selectOption('dense')
  const onnx = await save('export-onnx')
  expect(onnx.name).toMatch(/-dense\.onnx$/)
  const session = await ort.InferenceSession.create(onnx.bytes)
  const logits = await session.run({
    input: new ort.Tensor('float32', new Float32Array(2 * 28 * 28), [2, 1, 28, 28]),
  })
  expect(logits.logits!.dims).toEqual([2, 10])
  await session.release()

  await exports.getByTestId('export-network').selectOption('slimmed')
  const weights = await save('export-safetensors')
  expect(weights.name).toMatch(/-slimmed\.safetensors$/)
  const headerLength = Number(weights.bytes.readBigUInt64LE(0))
  const header = JSON.parse(weights.bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    unknown
  >
  expect(header.__metadata__).toMatchObject({ format: 'pt' })

  const events = await save('export-tensorboard')
  expect(events.name).toMatch(/^events\.out\.tfevents\./)
  expect(events.bytes.byteLength).toBeGreaterThan(100)
  await expect(exports.getByTestId('export-saved')).toContainText('events.out.tfevents')
  await screenshot(page, 'exports-run-page')

  // The benchmark page times the same two networks on ONNX Runtime beside tfjs.
  await page.goto(`/#/bench?run=${runId}`)
  await page.getByTestId('bench-run').selectOption(runId)
  await page.getByTestId('bench-batches').fill('1, 8')
  await page.getByTestId('bench-warmup').fill('1')
  await page.getByTestId('bench-reps').fill('3')
  await page.getByTestId('bench-start').click()
  await expect(page.getByTestId('bench-result')).toHaveAttribute('data-status', 'completed', {
    timeout: 4 * 60_000,
  })
  const stats = page.getByTestId('bench-stats')
  await expect(stats).toContainText('ONNX Runtime CPU')
  await expect(stats.locator('tbody tr')).toHaveCount(8)
  await expect(page.getByTestId('bench-onnxruntime')).toContainText('cpu')
  await screenshot(page, 'exports-bench-onnxruntime')
})
