import { chromium, type Browser } from '@playwright/test'
import { chromiumLaunchOptions } from '../../tests/e2e/chromiumLaunch'

/**
 * Loads the app in Chromium (Debian's, as the e2e tests use) against a serving host, opens a run's dashboard
 * and times what a user sees, from the moment the page opens the run (`dashboard:open`):
 * - first curves drawn: the frame after the store holds the curves (`dashboard:curves`);
 * - heatmap fully drawn: the frame after the heatmap painted its last snapshot column (`heatmap:painted`
 *   naming as many columns as the store holds, once the store says `dashboard:complete`);
 * - the longest main-thread task in between (`longtask` entries: the page froze that long).
 * The page must be built (`out/renderer`); the host is whatever `baseUrl` serves.
 */
export interface BrowserDashboardTiming {
  /** Navigation start to the page's load event (loading the app itself, before the run is opened). */
  readonly pageLoadMs: number
  readonly firstCurvesMs: number
  readonly fullyDrawnMs: number
  readonly snapshots: number
  /** The longest task from opening the run to fully drawn, and over the whole visit. */
  readonly longestTaskMs: number
  readonly longestTaskWithLoadMs: number
}

interface PageProbe {
  longTasks: { start: number; duration: number }[]
  curvesDrawnAt: number | null
  paints: { columns: number; at: number }[]
}

/**
 * Installed before the app's scripts: records long tasks and the frames after the marks that matter. Kept
 * as source text: a bundled function would carry the bundler's helpers (`__name`) into the page.
 */
const probeScript = `(() => {
  const probe = { longTasks: [], curvesDrawnAt: null, paints: [] }
  window.__dashboardProbe = probe
  // The frame that shows what a mark announced has been produced once a task after its rAF runs.
  const afterFrame = (then) => requestAnimationFrame(() => setTimeout(then, 0))
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration })
  }).observe({ type: 'longtask', buffered: true })
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.name === 'dashboard:curves' && probe.curvesDrawnAt === null)
        afterFrame(() => (probe.curvesDrawnAt ??= performance.now()))
      if (e.name === 'heatmap:painted') {
        const columns = e.detail?.columns ?? 0
        afterFrame(() => probe.paints.push({ columns, at: performance.now() }))
      }
    }
  }).observe({ type: 'mark' })
})()`

export async function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions)
}

export async function measureBrowserDashboard(
  browser: Browser,
  baseUrl: string,
  runId: string,
  timeoutMs = 120_000,
): Promise<BrowserDashboardTiming> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  try {
    await page.addInitScript({ content: probeScript })
    // As a user does: the app is loaded, then the run is opened (opening it from the address bar would
    // mark `dashboard:open` inside the task that loads the app, and time that task as the dashboard's).
    await page.goto(`${baseUrl}/`)
    await page.waitForFunction(() => (document.querySelector('#app')?.childElementCount ?? 0) > 0)
    await page.waitForLoadState('load')
    await page.evaluate((hash) => (window.location.hash = hash), `#/runs/${runId}`)
    // Complete, and the heatmap has painted every snapshot the store holds.
    const snapshots = await page
      .waitForFunction(
        () => {
          if (performance.getEntriesByName('dashboard:complete').length === 0) return false
          const element = document.querySelector('#app') as unknown as {
            __vue_app__: {
              config: {
                globalProperties: { $pinia: { _s: Map<string, { snapshots: readonly unknown[] }> } }
              }
            }
          }
          const store = element.__vue_app__.config.globalProperties.$pinia._s.get('runDashboard')
          const want = store?.snapshots.length ?? -1
          const probe = (window as unknown as { __dashboardProbe: PageProbe }).__dashboardProbe
          return want > 0 && probe.paints.some((p) => p.columns === want) ? want : false
        },
        undefined,
        { timeout: timeoutMs, polling: 100 },
      )
      .then((handle) => handle.jsonValue() as Promise<number>)
    const seen = await page.evaluate((want) => {
      const probe = (window as unknown as { __dashboardProbe: PageProbe }).__dashboardProbe
      return {
        openAt: performance.getEntriesByName('dashboard:open')[0]?.startTime ?? Number.NaN,
        loadedAt:
          (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)
            ?.loadEventEnd ?? Number.NaN,
        curvesDrawnAt: probe.curvesDrawnAt ?? Number.NaN,
        fullyDrawnAt: probe.paints.find((p) => p.columns === want)?.at ?? Number.NaN,
        longTasks: probe.longTasks,
      }
    }, snapshots)
    const longest = (tasks: { start: number; duration: number }[]) =>
      tasks.reduce((most, t) => Math.max(most, t.duration), 0)
    return {
      pageLoadMs: seen.loadedAt,
      firstCurvesMs: seen.curvesDrawnAt - seen.openAt,
      fullyDrawnMs: seen.fullyDrawnAt - seen.openAt,
      snapshots,
      longestTaskMs: longest(
        seen.longTasks.filter((t) => t.start + t.duration >= seen.openAt && t.start <= seen.fullyDrawnAt),
      ),
      longestTaskWithLoadMs: longest(seen.longTasks),
    }
  } finally {
    await page.close()
  }
}
