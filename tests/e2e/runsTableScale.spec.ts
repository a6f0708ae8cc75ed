import { expect, test } from '@playwright/test'
import { screenshot } from './helpers'

/**
 * The runs table with 1,000 runs stays responsive: the page's WebSocket is answered by a stand-in that
 * lists 1,000 synthetic runs (the table, not the host, is under test here), then filtering and sorting
 * are timed and the DOM is checked to hold only the rows in view.
 */
const runCount = 1_000
const statuses = ['completed', 'failed', 'running', 'queued', 'cancelled'] as const

function syntheticRun(i: number) {
  const finished = statuses[i % statuses.length] === 'completed'
  return {
    id: `run-${String(i).padStart(4, '0')}`,
    name: `sweep ${i % 37} seed ${i}`,
    experiment: null,
    preset: i % 2 ? 'quick-fashion-mnist' : 'quick-cifar10',
    status: statuses[i % statuses.length],
    backend: 'wasm',
    seed: i,
    configHash: `h${i % 37}`,
    createdAt: 1_790_000_000_000 + i * 60_000,
    startedAt: 1_790_000_000_000 + i * 60_000,
    finishedAt: finished ? 1_790_000_000_000 + i * 60_000 + 300_000 : null,
    tags: i % 10 === 0 ? ['baseline'] : [],
    notes: '',
    archived: false,
    progress: null,
    result: finished
      ? {
          bestEpoch: 4,
          selectedOn: 'validation',
          best: { validationAccuracy: 0.9, testAccuracy: 0.8 + i / 10_000 },
          final: { validationAccuracy: 0.89, testAccuracy: 0.79 + (i % 100) / 1000 },
          slimmedTestAccuracy: 0.78,
          recalibratedTestAccuracy: 0.79,
          density: 0.1,
          channelSparsity: 0.5,
          flops: {
            denseMacs: 1e6,
            theoreticalMacs: 1e5,
            gpuSupportedMacs: 4e5,
            theoreticalRatio: 0.1,
            gpuSupportedRatio: 0.3 + (i % 50) / 100,
          },
          trainingFlopsRatio: 0.2,
          parameters: { dense: 1e5, nonzero: 1e4, slimmed: 5e4 },
          slimmedModelDir: null,
          durationSeconds: 300,
          imagesPerSecond: 1000,
        }
      : null,
    failure: null,
    lastCheckpointStep: null,
    setup: {
      model: i % 2 ? 'cnn-small' : 'vgg19',
      widthMultiplier: 1,
      dataset: 'fashion-mnist',
      density: 0.1,
      channelSparsity: (i % 5) / 10,
    },
  }
}

test('the runs table stays responsive with 1,000 runs', async ({ page }) => {
  const runs = Array.from({ length: runCount }, (_, i) => syntheticRun(i))
  await page.routeWebSocket('**/api', (ws) => {
    ws.onMessage((text) => {
      const request = JSON.parse(String(text)) as { id: number; method: string }
      const result = request.method === 'runs.list' ? { runs, total: runs.length } : undefined
      ws.send(
        JSON.stringify(
          result
            ? { type: 'response', id: request.id, ok: true, result }
            : {
                type: 'response',
                id: request.id,
                ok: false,
                error: { code: 'unavailable', message: 'not in this test' },
              },
        ),
      )
    })
  })
  await page.goto('/#/runs')
  await expect(page.getByTestId('runs-count')).toHaveText(`${runCount} of ${runCount} runs`)
  // Only the rows in view (plus a margin) are in the DOM.
  const rendered = await page.locator('[data-testid="runs-table"] tbody tr[data-run-id]').count()
  expect(rendered).toBeLessThan(60)
  // Every column fits a 1280-pixel window: no sideways scrolling.
  const [scrollWidth, clientWidth] = await page
    .locator('.viewport')
    .evaluate((el) => [el.scrollWidth, el.clientWidth])
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth!)

  const timed = async (action: () => Promise<void>, done: () => Promise<void>) => {
    const started = Date.now()
    await action()
    await done()
    return Date.now() - started
  }
  const filterMs = await timed(
    () => page.getByTestId('runs-filter').fill('seed 99'),
    () => expect(page.getByTestId('runs-count')).toHaveText(`11 of ${runCount} runs`),
  )
  await page.getByTestId('runs-filter').fill('')
  const sortMs = await timed(
    () => page.getByTestId('sort-best').click(),
    () => expect(page.locator('tbody tr[data-run-id]').first()).toHaveAttribute('data-run-id', 'run-0995'),
  )
  const scrollMs = await timed(
    () => page.locator('.viewport').evaluate((el) => el.scrollTo(0, el.scrollHeight)),
    () => expect(page.locator('tbody tr[data-run-id]').last()).toBeVisible(),
  )
  console.log(
    `1,000 runs: filter ${filterMs} ms, sort ${sortMs} ms, scroll to end ${scrollMs} ms (including Playwright round trips)`,
  )
  expect(Math.max(filterMs, sortMs, scrollMs)).toBeLessThan(1_500)
  await page.locator('.viewport').evaluate((el) => el.scrollTo(0, 0))
  await screenshot(page, '15-runs-1000', { fullPage: false })
})
