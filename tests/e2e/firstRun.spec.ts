import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startDataMirror, type DataMirror } from '../support/dataMirror'
import { dashboardRunId, expectStatus, screenshot, setField } from './helpers'

/**
 * A new user's first run on a machine without any dataset: a host of its own whose data folder is
 * empty (and the only place it looks), downloading from a loopback mirror of the committed fixtures.
 * From the New Run form the user starts the default preset, is asked before anything is downloaded,
 * watches the download's progress bar, and the run trains. Then the Datasets page: a failed download,
 * a cancelled and resumed one, and a folder the user already has.
 */
test.describe.configure({ mode: 'serial' })

const port = Number(process.env.E2E_PORT ?? 4791) + 8
const base = `http://127.0.0.1:${port}`
const repo = resolve(import.meta.dirname, '../..')
const trainingTimeoutMs = 8 * 60_000

let mirror: DataMirror
let host: ChildProcess
let dir = ''
let dataRoot = ''
let page: Page

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000)
  // Slow enough that the progress bar is on screen for a few seconds.
  mirror = await startDataMirror({ bytesPerSecond: 150_000 })
  dir = mkdtempSync(join(tmpdir(), 'chase-e2e-first-run-'))
  dataRoot = join(dir, 'datasets')
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CHASE_WORKBENCH_DB: join(dir, 'workbench.db'),
    CHASE_WORKBENCH_DATA: dataRoot,
    CHASE_WORKBENCH_DATA_ONLY: '1',
    CHASE_WORKBENCH_DATA_MIRROR: mirror.url,
  }
  for (const key of Object.keys(env)) if (/^(https?|no)_proxy$/i.test(key)) delete env[key]
  host = spawn(process.execPath, [join(repo, 'bin/chase-workbench'), 'serve', '--port', String(port)], {
    cwd: dir,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const deadline = Date.now() + 150_000
  for (;;) {
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) break
    if (Date.now() > deadline) throw new Error(`the host on port ${port} did not start in 150 s`)
    await new Promise((r) => setTimeout(r, 500))
  }
  page = await browser.newPage()
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`))
})

test.afterAll(async () => {
  await page?.close()
  if (host && host.exitCode === null) {
    host.kill('SIGTERM')
    await new Promise((r) => host.once('exit', r))
  }
  await mirror?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

test('a new user starts the default preset, is asked, downloads Fashion-MNIST and the run trains', async () => {
  test.setTimeout(trainingTimeoutMs + 120_000)
  await page.goto(`${base}/#/runs/new`)
  const notice = page.getByTestId('dataset-notice')
  await expect(notice).toHaveAttribute('data-status', 'missing', { timeout: 60_000 })
  await expect(notice).toContainText('Fashion-MNIST is not installed on the host')
  await expect(page.getByTestId('notice-download')).toContainText('Download Fashion-MNIST')
  // A small run: the mirror holds 600 training and 200 test images.
  for (const [path, value] of Object.entries({
    'data.trainLimit': '500',
    'data.testLimit': '200',
    'optim.epochs': '1',
    'optim.batchSize': '50',
  }))
    await setField(page, path, value)
  await page.getByTestId('start-run').click()
  // Asked first: nothing is downloaded until the user says so.
  await expect(page.getByTestId('download-question')).toContainText(
    'Fashion-MNIST is not installed on the host',
  )
  await expect(page.getByTestId('download-question')).toContainText(new URL(mirror.url).host)
  expect(mirror.requests.filter((r) => r.endsWith('.gz'))).toEqual([])
  await screenshot(page, 'first-run-01-asked', { fullPage: false })
  await page.getByTestId('dialog-confirm').click()
  const progress = page.getByTestId('start-after-download')
  await expect(progress.getByTestId('download-bar')).toBeVisible()
  await expect(progress.getByTestId('download-label')).toContainText(
    /\d+% · [\d.]+ KiB of [\d.]+ KiB · [\d.]+ KiB\/s/,
  )
  await screenshot(page, 'first-run-02-downloading', { fullPage: false })
  const runId = await dashboardRunId(page)
  expect(runId).not.toBe('')
  await expectStatus(page, 'completed', trainingTimeoutMs)
  await screenshot(page, 'first-run-03-trained')
  expect(readdirSync(dataRoot)).toContain('fashion-mnist')
  expect(mirror.requests.filter((r) => r.endsWith('.gz'))).toHaveLength(4)
})

test('the Datasets page shows each dataset and reports a download that fails', async () => {
  await page.goto(`${base}/#/datasets`)
  await expect(page.getByRole('heading', { name: 'Datasets' })).toBeVisible()
  await expect(page.getByTestId('data-root')).toHaveText(dataRoot)
  const fashion = page.getByTestId('dataset-fashion-mnist')
  await expect(fashion.getByTestId('dataset-status')).toHaveText('installed')
  await expect(fashion.getByTestId('dataset-summary')).toContainText('600 training + 200 test images')
  // The mirror holds no MNIST: the download fails with the reason and the manual steps.
  const mnist = page.getByTestId('dataset-mnist')
  await expect(mnist.getByTestId('dataset-status')).toHaveText('not installed')
  await mnist.getByTestId('dataset-download').click()
  await expect(mnist.getByTestId('download-error')).toContainText(/404[\s\S]*To install MNIST by hand/, {
    timeout: 60_000,
  })
  await screenshot(page, 'first-run-04-datasets-failed')
  expect(readdirSync(dataRoot).filter((n) => !n.startsWith('.'))).not.toContain('mnist')
})

test('a download cancelled half-way resumes where it stopped', async () => {
  const cifar = page.getByTestId('dataset-cifar10')
  await cifar.getByTestId('dataset-download').click()
  await expect(cifar.getByTestId('download-label')).toContainText(/[1-9]\d*% ·/, { timeout: 60_000 })
  await cifar.getByTestId('download-cancel').click()
  await expect(cifar.getByTestId('download-cancelled')).toContainText('the next download resumes')
  await expect(cifar.getByTestId('dataset-status')).toHaveText('not installed')
  await cifar.getByTestId('dataset-download').click()
  await expect(cifar.getByTestId('dataset-status')).toHaveText('installed', { timeout: 60_000 })
  await expect(cifar.getByTestId('download-done')).toContainText('cifar-10-batches-bin')
  expect(mirror.requests).toContainEqual(expect.stringMatching(/cifar-10-binary\.tar\.gz bytes=[1-9]\d*-$/))
  await screenshot(page, 'first-run-05-datasets-resumed')
})

test('"use this folder" checks the folder before accepting it', async () => {
  const cifar100 = page.getByTestId('dataset-cifar100')
  await cifar100.getByTestId('folder-input').fill(join(repo, 'tests/fixtures/data/fashion-mnist'))
  await cifar100.getByTestId('folder-use').click()
  await expect(cifar100.getByTestId('folder-error')).toContainText(/batches|\.bin/)
  await expect(cifar100.getByTestId('dataset-status')).toHaveText('not installed')
  const mnist = page.getByTestId('dataset-mnist')
  await mnist.getByTestId('folder-input').fill('relative/folder')
  await mnist.getByTestId('folder-use').click()
  await expect(mnist.getByTestId('folder-error')).toContainText('full path')
  const fashion = page.getByTestId('dataset-fashion-mnist')
  const fixture = join(repo, 'tests/fixtures/data/fashion-mnist')
  await fashion.getByTestId('folder-input').fill(fixture)
  await fashion.getByTestId('folder-use').click()
  await expect(fashion.getByTestId('dataset-summary')).toContainText(fixture)
})
