/**
 * Heatmap draw-time benchmark: 5,000 channels × 200 snapshots drawn by the dashboard's real heatmap
 * component (ECharts + the rasteriser) in Debian's Chromium. Target: under 300 ms.
 *
 *   npx tsx bench/heatmap.ts [--channels 4992] [--snapshots 200] [--repeats 5]
 *
 * Bundles src/renderer/bench/heatmapBench.ts with Vite into one script, loads it into a blank page and
 * reports the median of fresh-page repeats.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from '@playwright/test'
import vue from '@vitejs/plugin-vue'
import { build } from 'vite'

interface HeatmapTiming {
  channels: number
  snapshots: number
  gridMs: number
  firstDrawMs: number
  redrawMs: number
  rasterMs: number
  redrawToFrameMs: number
}

const { values } = parseArgs({
  options: {
    channels: { type: 'string', default: '4992' },
    snapshots: { type: 'string', default: '200' },
    repeats: { type: 'string', default: '5' },
  },
})
const channels = Number(values.channels)
const snapshots = Number(values.snapshots)
const repeats = Number(values.repeats)
const budgetMs = 300

const root = resolve(import.meta.dirname, '..')
const outDir = mkdtempSync(join(tmpdir(), 'heatmap-bench-'))
await build({
  configFile: false,
  root,
  logLevel: 'warn',
  plugins: [vue()],
  define: { 'process.env.NODE_ENV': '"production"' },
  build: {
    outDir,
    emptyOutDir: true,
    minify: true,
    lib: {
      entry: join(root, 'src/renderer/bench/heatmapBench.ts'),
      formats: ['iife'],
      name: 'HeatmapBench',
      fileName: () => 'bench.js',
    },
  },
})
const script = readFileSync(join(outDir, 'bench.js'), 'utf8')
const css = readdirSync(outDir)
  .filter((f) => f.endsWith('.css'))
  .map((f) => readFileSync(join(outDir, f), 'utf8'))
  .join('\n')

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--disable-background-networking',
  ],
})
const results: HeatmapTiming[] = []
try {
  for (let i = 0; i < repeats; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.setContent(
      '<!doctype html><html><body style="margin:0"><div id="host" style="width:1200px"></div></body></html>',
    )
    await page.addStyleTag({ content: css })
    await page.addScriptTag({ content: script })
    const timing = await page.evaluate(
      ([c, s]) => {
        const run = (
          window as unknown as {
            runHeatmapBench: (host: HTMLElement, c: number, s: number) => Promise<HeatmapTiming>
          }
        ).runHeatmapBench
        return run(document.getElementById('host')!, c, s)
      },
      [channels, snapshots] as const,
    )
    results.push(timing)
    if (i === 0)
      await page.screenshot({ path: join(root, 'test-results', 'screenshots', 'bench-heatmap.png') })
    await page.close()
  }
} finally {
  await browser.close()
  rmSync(outDir, { recursive: true, force: true })
}

const median = (key: keyof HeatmapTiming) => {
  const sorted = results.map((r) => r[key]).sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
const first = results[0]!
const row = (label: string, key: keyof HeatmapTiming) =>
  `  ${label.padEnd(34)} ${median(key).toFixed(1).padStart(7)} ms   (runs: ${results.map((r) => r[key].toFixed(0)).join(', ')})`
console.log(
  `Heatmap ${first.channels} channels × ${first.snapshots} snapshots, Chromium (software canvas), ${repeats} fresh pages, median:`,
)
console.log(row('snapshots → grid', 'gridMs'))
console.log(row('first draw (mount, init, draw)', 'firstDrawMs'))
console.log(row('redraw with new data', 'redrawMs'))
console.log(row('  of which rasterise', 'rasterMs'))
console.log(row('redraw to next frame', 'redrawToFrameMs'))
const worst = Math.max(median('firstDrawMs'), median('redrawToFrameMs'))
console.log(
  `${worst < budgetMs ? 'PASS' : 'FAIL'}: slowest median ${worst.toFixed(1)} ms against the ${budgetMs} ms budget`,
)
process.exitCode = worst < budgetMs ? 0 : 1
