import { resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import type { RunDetail, RunSummary } from '../../src/shared/api'
import { presetConfig } from '../../src/shared/config/presets'
import { formatNumber, formatPercent, formatRatio } from '../../src/renderer/util/format'
import { callHost, screenshot } from './helpers'

/**
 * The "done when": rows of the paper's table train from their presets and the compare view's
 * paper-table layout shows them with accuracy as mean ± std over two seeds and the FLOPs as ratios to
 * dense. Three methods (the dense row, RigL and Chase) × two seeds of real, tiny Fashion-MNIST trainings; every
 * number the table shows is recomputed here from the runs the host stored.
 */
const fixture = resolve(import.meta.dirname, '../fixtures/data/fashion-mnist')
const session = Date.now().toString(36)
const methods = [
  { preset: 'quick-fashion-mnist--dense', title: 'Dense' },
  { preset: 'quick-fashion-mnist--rigl-layer', title: 'RigL (layer-wise)' },
  { preset: 'quick-fashion-mnist', title: 'Chase' },
] as const
const seeds = [41, 42]
const trainingTimeoutMs = 6 * 60_000

/** The preset's config at a few hundred images and two epochs: every Chase phase still happens. */
function tinyRun(preset: string, seed: number) {
  const config = presetConfig(preset)
  return {
    name: `e2e paper table ${preset} seed ${seed} ${session}`,
    config: {
      ...config,
      data: { ...config.data, path: fixture, trainLimit: 400, testLimit: 200 },
      optim: { ...config.optim, epochs: 2, batchSize: 50 },
      system: { ...config.system, seed },
    },
  }
}

/** Sample mean and standard deviation (n − 1), as the paper reports over seeds. */
function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)
  return { mean, std: Math.sqrt(variance) }
}

test('the paper-table layout shows each method over its seeds, from real runs', async ({ page }) => {
  test.setTimeout(trainingTimeoutMs + 2 * 60_000)
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`))
  await page.goto('/#/runs')

  const created: { method: (typeof methods)[number]; id: string }[] = []
  for (const method of methods)
    for (const seed of seeds) {
      const run = await callHost<RunSummary>(page, 'runs.create', tinyRun(method.preset, seed))
      created.push({ method, id: run.id })
    }
  const finished = new Map<string, RunDetail>()
  await expect
    .poll(
      async () => {
        for (const { id } of created) {
          if (finished.has(id)) continue
          const detail = await callHost<RunDetail>(page, 'runs.get', { runId: id })
          if (detail.status === 'failed')
            throw new Error(`run ${id} failed: ${JSON.stringify(detail.failure)}`)
          if (detail.status === 'completed') finished.set(id, detail)
        }
        return finished.size
      },
      { timeout: trainingTimeoutMs, intervals: [2_000] },
    )
    .toBe(created.length)

  await page.goto(`/#/compare?ids=${created.map((c) => c.id).join(',')}`)
  await page.getByTestId('compare-layout').selectOption('paper')
  const table = page.getByTestId('compare-paper-table')
  const rows = table.locator('tbody tr')
  // The paper's row order: dense first, then the DST baselines, then Chase.
  await expect(rows.locator('th')).toHaveText(methods.map((m) => m.title))

  const results = (title: string) =>
    created.filter((c) => c.method.title === title).map((c) => finished.get(c.id)!.result!)
  const denseAccuracy = meanAndStd(results('Dense').map((r) => r.best.testAccuracy)).mean
  for (const [index, method] of methods.entries()) {
    const runs = results(method.title)
    const cells = rows.nth(index).locator('td')
    const accuracy = meanAndStd(runs.map((r) => r.best.testAccuracy))
    const ratio = (values: number[]) => {
      const s = meanAndStd(values)
      return `${formatRatio(s.mean)} ± ${formatRatio(s.std)}`
    }
    // A ratio to dense is what the run stored: its own MACs over the dense network's.
    for (const r of runs) {
      expect(r.flops.gpuSupportedRatio).toBeCloseTo(r.flops.gpuSupportedMacs / r.flops.denseMacs, 12)
      expect(r.flops.theoreticalRatio).toBeCloseTo(r.flops.theoreticalMacs / r.flops.denseMacs, 12)
    }
    await expect(cells).toHaveText([
      String(seeds.length),
      `${formatPercent(accuracy.mean)} ± ${formatPercent(accuracy.std)}`,
      method.title === 'Dense' ? '—' : formatNumber((accuracy.mean - denseAccuracy) * 100, 2),
      ratio(runs.map((r) => r.trainingFlopsRatio!)),
      ratio(runs.map((r) => r.flops.theoreticalRatio)),
      ratio(runs.map((r) => r.flops.gpuSupportedRatio)),
    ])
  }
  // The dense row is the unit of every FLOPs column; RigL's unstructured sparsity saves test FLOPs but
  // nothing on a GPU, Chase removes channels, so it saves there too.
  await expect(rows.nth(0).locator('td').nth(5)).toHaveText('1.000× ± 0.000×')
  for (const r of results('RigL (layer-wise)')) {
    expect(r.flops.theoreticalRatio).toBeLessThan(1)
    expect(r.flops.gpuSupportedRatio).toBe(1)
  }
  for (const r of results('Chase')) expect(r.flops.gpuSupportedRatio).toBeLessThan(1)
  await screenshot(page, 'compare-paper-table')
})
