import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { workbenchMethodNames } from '../../../src/shared/api/methodNames'
import { ipcCallChannel } from '../../../src/shared/api/ipcChannels'
import { presetConfig } from '../../../src/shared/config/presets'
import { createFakeElectron } from './fakeElectron'

const userData = mkdtempSync(join(tmpdir(), 'shell-user-'))
const fake = createFakeElectron({ userData })
vi.mock('electron', () => fake.electron)

describe('the Electron shell', () => {
  const outDir = join(mkdtempSync(join(tmpdir(), 'shell-')), 'out', 'main')
  const appUrl = 'app://workbench/index.html'
  const noNodeReason = 'No Node.js 22.12.0 or newer was found (test)'
  let close: () => Promise<void>

  beforeAll(async () => {
    process.env.CHASE_WORKBENCH_DB = join(outDir, 'workbench.db')
    mkdirSync(join(outDir, '../renderer'), { recursive: true })
    writeFileSync(join(outDir, '../renderer/index.html'), '<!doctype html><title>Chase Workbench</title>')
    // Load the real main entry, as Electron would, with the fake module in place of electron.
    const { startElectronShell } = await import('../../../src/main/electron/electronShell')
    const shell = await startElectronShell(fake.electron as never, {
      outDir,
      findSystemNode: () => Promise.resolve({ found: false, reason: noNodeReason }),
    })
    close = () => shell!.host.close()
  })
  afterAll(async () => {
    await close()
    delete process.env.CHASE_WORKBENCH_DB
  })

  it('opens one isolated, sandboxed window without Node and with only our preload', () => {
    expect(fake.windows).toHaveLength(1)
    const prefs = fake.windows[0]!.options.webPreferences!
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
    })
    expect(prefs.preload).toBe(join(outDir, '../preload/index.cjs'))
    expect(fake.windows[0]!.loaded).toBe(appUrl)
  })

  it('serves the renderer through the privileged app:// scheme, and nothing outside its folder', async () => {
    expect(fake.privilegedSchemes).toEqual([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ])
    const serve = fake.protocolHandlers.get('app')!
    const page = await serve(new Request(appUrl))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/)
    expect(await page.text()).toContain('<title>Chase Workbench</title>')
    expect((await serve(new Request('app://workbench/..%2F..%2Fworkbench.db'))).status).toBe(404)
    expect((await serve(new Request('app://workbench/missing.js'))).status).toBe(404)
  })

  it('installs its own menu, without Reload or DevTools outside development', () => {
    const { template } = fake.calls.menu as { template: { submenu?: { role?: string; label?: string }[] }[] }
    const items = template.flatMap((menu) => menu.submenu ?? [])
    expect(items.some((item) => item.role === 'reload' || item.role === 'toggleDevTools')).toBe(false)
    expect(items.some((item) => item.label === 'Choose Data Folder…')).toBe(true)
  })

  it('focuses the existing window when a second instance starts', () => {
    const window = fake.windows[0]!
    window.minimized = true
    fake.emitApp('second-instance', {}, [], '/')
    expect(window.minimized).toBe(false)
    expect(window.focused).toBe(1)
  })

  it('closes without asking when nothing is training', () => {
    expect(fake.windows[0]!.listeners.get('close')!.length).toBeGreaterThan(0)
    expect(fake.windows[0]!.close()).toBe(true)
    expect(fake.messageBoxes).toHaveLength(0)
  })

  it('registers a handler for every contract method and nothing else', () => {
    expect([...fake.handlers.keys()].sort()).toEqual(workbenchMethodNames.map(ipcCallChannel).sort())
  })

  it('sends a strict content security policy and refuses permissions', () => {
    let headers: Record<string, string[]> = {}
    fake.sessionHooks.headers!(
      { responseHeaders: {} },
      (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders),
    )
    expect(headers['Content-Security-Policy']![0]).toMatch(/default-src 'self'; script-src 'self'/)
    let granted: boolean | undefined
    fake.sessionHooks.permissions!({}, 'media', (ok: boolean) => (granted = ok))
    expect(granted).toBe(false)
  })

  it('denies navigation away from the app and new windows', () => {
    const contents = new fake.FakeWebContents()
    for (const listener of fake.appListeners.get('web-contents-created')!) listener({}, contents)
    const navigate = contents.listeners.get('will-navigate')![0]!
    const outside = { preventDefault: vi.fn() }
    navigate(outside, 'https://example.com/')
    expect(outside.preventDefault).toHaveBeenCalled()
    const inside = { preventDefault: vi.fn() }
    navigate(inside, `${appUrl}#/runs`)
    expect(inside.preventDefault).not.toHaveBeenCalled()
    expect(contents.windowOpenHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' })
  })

  it('answers a call from the app page and refuses one from an unknown sender', async () => {
    const handler = fake.handlers.get(ipcCallChannel('system.info'))!
    const ok = (await handler({ sender: { id: 1 }, senderFrame: { url: `${appUrl}#/runs` } }, {})) as {
      ok: boolean
      result: { shell: string }
    }
    expect(ok).toMatchObject({ ok: true, result: { shell: 'electron' } })
    const refused = await handler({ sender: { id: 1 }, senderFrame: { url: 'https://example.com/' } }, {})
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    const stranger = await handler({ sender: { id: 99 }, senderFrame: { url: appUrl } }, {})
    expect(stranger).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
  })

  it("fails a webgpu run at start with the finder's reason, and starts an auto run as a utility process", async () => {
    const call = (method: string, params: unknown) =>
      fake.handlers.get(ipcCallChannel(method))!(
        { sender: { id: 1 }, senderFrame: { url: appUrl } },
        params,
      ) as Promise<{
        ok: boolean
        result: { id: string; status: string; failure: { reason: string; message: string } | null }
      }>
    const failureOf = async (backend: string) => {
      const config = presetConfig('quick-fashion-mnist')
      const created = await call('runs.create', {
        config: { ...config, system: { ...config.system, backend } },
      })
      expect(created.ok).toBe(true)
      for (let i = 0; i < 200; i++) {
        const detail = (await call('runs.get', { runId: created.result.id })).result
        if (detail.status === 'failed') return detail.failure!
        await new Promise((done) => setTimeout(done, 10))
      }
      throw new Error(`the ${backend} run never failed`)
    }
    const webgpu = await failureOf('webgpu')
    expect(webgpu.reason).toBe('launch-failed')
    expect(webgpu.message).toContain('The "webgpu" backend needs Node.js outside the app.')
    expect(webgpu.message).toContain(noNodeReason)
    // The fake Electron refuses utility processes: that refusal proves where the auto run went.
    const auto = await failureOf('auto')
    expect(auto.message).toContain('no trainer is started in this test')
  })

  it('validates every payload against the contract', async () => {
    const handler = fake.handlers.get(ipcCallChannel('runs.get'))!
    const reply = await handler({ sender: { id: 1 }, senderFrame: { url: appUrl } }, { runId: 42 })
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
  })
})

describe('a second launch of the Electron shell', () => {
  it('quits at once and opens neither a window nor the database', async () => {
    const second = createFakeElectron({ singleInstanceLock: false })
    const { startElectronShell } = await import('../../../src/main/electron/electronShell')
    const shell = await startElectronShell(second.electron as never, { outDir: join(tmpdir(), 'never-used') })
    expect(shell).toBeNull()
    expect(second.calls.quit).toBe(1)
    expect(second.windows).toHaveLength(0)
    expect(second.handlers.size).toBe(0)
  })
})
