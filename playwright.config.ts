import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from './tests/e2e/chromiumLaunch'

/**
 * End-to-end tests of the browser mode: a real `chase-workbench serve` on 127.0.0.1 with a fresh database,
 * driven in Debian's Chromium (Playwright never downloads a browser here). The renderer is built first
 * unless E2E_SKIP_BUILD=1 (`npm test` has just built it).
 */
const port = Number(process.env.E2E_PORT ?? 4791)
// E2E_BASE_URL points the tests at a host that is already running (no server is started then).
const external = process.env.E2E_BASE_URL
// Workers re-read this file: the folder is made once and handed on through the environment.
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'chase-e2e-'))
const db = join(process.env.E2E_DATA_DIR, 'workbench.db')
const build =
  process.env.E2E_SKIP_BUILD === '1'
    ? ''
    : 'npx vite build --config src/renderer/vite.config.ts --logLevel warn && '

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/artifacts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // Real training on a shared 2-core machine: the training specs set their own, longer limits.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  // `npm test` asks for a JSON report (PLAYWRIGHT_JSON_OUTPUT_NAME) to count results.
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    baseURL: external ?? `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
  webServer: external
    ? undefined
    : {
        command: `${build}node bin/chase-workbench serve --port ${port} --db ${db}`,
        url: `http://127.0.0.1:${port}/healthz`,
        reuseExistingServer: false,
        timeout: 180_000,
        stdout: 'pipe',
        stderr: 'pipe',
        // Datasets come from the committed fixtures (600 + 200 Fashion-MNIST images), never from the
        // machine, so the suite passes anywhere after `npm install`.
        env: { CHASE_WORKBENCH_DB: db, CHASE_WORKBENCH_DATA: resolve('tests/fixtures/data') },
      },
})
