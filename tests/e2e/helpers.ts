import { expect, type Page } from '@playwright/test'

/** Every page the tests visit is saved here, to be looked at by a person (and kept by CI). */
export const screenshotDir = 'test-results/screenshots'

/**
 * The whole page from the top (sticky bars then sit where they belong), or just the viewport as the user
 * sees it when `fullPage` is false.
 */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0))
  // Let charts finish their throttled redraw before the picture is taken.
  await page.waitForTimeout(600)
  await page.screenshot({ path: `${screenshotDir}/${name}.png`, fullPage })
}

/** Types into a config field of the run form (text boxes, and the number part of durations). */
export async function setField(page: Page, path: string, value: string): Promise<void> {
  const input = page.getByTestId(`field-${path}`)
  await input.fill(value)
}

export async function chooseField(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).selectOption(value)
}

/** Waits until the page shows a run dashboard (#/runs/<id>, not #/runs/new) and returns the run id. */
export async function dashboardRunId(page: Page): Promise<string> {
  await expect(page).toHaveURL(/#\/runs\/(?!new(?:$|\?))[^/?]+$/)
  const match = /#\/runs\/([^/?]+)$/.exec(page.url())
  return decodeURIComponent(match![1]!)
}

/**
 * Waits for the dashboard's run status; a run that fails meanwhile fails the test at once, with the
 * failure the dashboard shows, instead of waiting out the timeout.
 */
export async function expectStatus(page: Page, status: RegExp | string, timeout = 60_000): Promise<void> {
  const wanted = typeof status === 'string' ? new RegExp(`^${status}$`) : status
  const deadline = Date.now() + timeout
  let now = ''
  while (Date.now() < deadline) {
    now = (
      (await page
        .getByTestId('run-status')
        .textContent({ timeout: 1_000 })
        .catch(() => '')) ?? ''
    ).trim()
    if (wanted.test(now)) return
    if (now === 'failed') {
      const why = await page
        .getByTestId('run-failure')
        .textContent({ timeout: 1_000 })
        .catch(() => null)
      throw new Error(`the run failed while waiting for status ${wanted}: ${why ?? 'no reason shown'}`)
    }
    await page.waitForTimeout(500)
  }
  throw new Error(`the run status stayed "${now}" for ${timeout / 1000} s, waiting for ${wanted}`)
}

/** True once an ECharts canvas was drawn inside the element with this test id. */
export async function expectChart(page: Page, testId: string, timeout = 60_000): Promise<void> {
  await expect(page.getByTestId(testId).locator('canvas').first()).toBeVisible({ timeout })
}

/** Calls the host on a socket of its own, as any API client would (`query` is added to the socket's URL). */
export async function callHost<T>(page: Page, method: string, params: unknown, query = ''): Promise<T> {
  return page.evaluate(
    async ({ method, params, query }) =>
      new Promise<unknown>((resolve, reject) => {
        const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api${query}`)
        ws.onopen = () => ws.send(JSON.stringify({ type: 'request', id: 1, method, params }))
        ws.onerror = () => reject(new Error(`the socket failed for ${method}`))
        ws.onmessage = (m) => {
          const frame = JSON.parse(String(m.data)) as {
            type: string
            id?: number
            ok?: boolean
            result?: unknown
            error?: { message: string }
          }
          if (frame.type !== 'response' || frame.id !== 1) return
          ws.close()
          if (frame.ok) resolve(frame.result)
          else reject(new Error(`${method}: ${frame.error?.message ?? 'failed'}`))
        }
      }),
    { method, params, query },
  ) as Promise<T>
}
