import type { BrowserWindowConstructorOptions } from 'electron'

type Listener = (...args: unknown[]) => unknown

/** Just enough of Electron's main-process API for the shell to start, recording what it was asked. */
export function createFakeElectron() {
  const appListeners = new Map<string, Listener[]>()
  const handlers = new Map<string, Listener>()
  const windows: FakeWindow[] = []
  const sessionHooks: { headers?: Listener; permissions?: Listener } = {}

  class FakeWebContents {
    readonly id = 1
    readonly sent: unknown[][] = []
    readonly listeners = new Map<string, Listener[]>()
    windowOpenHandler: Listener | undefined
    isDestroyed = () => false
    send = (...args: unknown[]) => void this.sent.push(args)
    on = (event: string, listener: Listener) =>
      void this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    once = this.on
    setWindowOpenHandler = (handler: Listener) => void (this.windowOpenHandler = handler)
  }

  class FakeWindow {
    readonly webContents = new FakeWebContents()
    loaded: string | undefined
    constructor(readonly options: BrowserWindowConstructorOptions) {
      windows.push(this)
    }
    once() {}
    show() {}
    async loadFile(file: string) {
      this.loaded = file
    }
    async loadURL(url: string) {
      this.loaded = url
    }
  }

  const electron = {
    app: {
      whenReady: async () => undefined,
      on: (event: string, listener: Listener) =>
        void appListeners.set(event, [...(appListeners.get(event) ?? []), listener]),
      quit() {},
      exit() {},
    },
    BrowserWindow: FakeWindow,
    ipcMain: { handle: (channel: string, handler: Listener) => void handlers.set(channel, handler) },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (hook: Listener) => void (sessionHooks.headers = hook) },
        setPermissionRequestHandler: (hook: Listener) => void (sessionHooks.permissions = hook),
      },
    },
    utilityProcess: {
      fork: () => {
        throw new Error('no trainer is started in this test')
      },
    },
  }
  return { electron, appListeners, handlers, windows, sessionHooks, FakeWebContents }
}
