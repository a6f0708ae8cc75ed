import type { BrowserWindowConstructorOptions } from 'electron'

type Listener = (...args: unknown[]) => unknown

export interface FakeElectronOptions {
  /** What `app.requestSingleInstanceLock()` answers (false: another instance holds it). */
  readonly singleInstanceLock?: boolean
  /** `app.getPath('userData')`. */
  readonly userData?: string
  /** The button index `dialog.showMessageBox` answers with. */
  readonly messageBoxResponse?: number
  /** The folder `dialog.showOpenDialog` answers with (undefined: cancelled). */
  readonly openDialogFolder?: string
}

/** Just enough of Electron's main-process API for the shell to start, recording what it was asked. */
export function createFakeElectron(options: FakeElectronOptions = {}) {
  const appListeners = new Map<string, Listener[]>()
  const handlers = new Map<string, Listener>()
  const windows: FakeWindow[] = []
  const sessionHooks: { headers?: Listener; permissions?: Listener } = {}
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>()
  const privilegedSchemes: unknown[] = []
  const messageBoxes: unknown[] = []
  const calls = { quit: 0, exit: 0, menu: undefined as unknown }

  const emit = (listeners: Map<string, Listener[]>, event: string, ...args: unknown[]) => {
    for (const listener of listeners.get(event) ?? []) listener(...args)
  }

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
    readonly listeners = new Map<string, Listener[]>()
    loaded: string | undefined
    title = 'Chase Workbench'
    progress: number | undefined
    destroyed = false
    minimized = false
    focused = 0
    constructor(readonly options: BrowserWindowConstructorOptions) {
      windows.push(this)
    }
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
      return this
    }
    once(event: string, listener: Listener) {
      return this.on(event, listener)
    }
    /** Emits 'close' as Electron does; true when no listener prevented it. */
    close(): boolean {
      let prevented = false
      emit(this.listeners, 'close', { preventDefault: () => (prevented = true) })
      return !prevented
    }
    show() {}
    focus() {
      this.focused++
    }
    restore() {
      this.minimized = false
    }
    isMinimized = () => this.minimized
    isDestroyed = () => this.destroyed
    destroy() {
      this.destroyed = true
    }
    setTitle(title: string) {
      this.title = title
    }
    setProgressBar(progress: number) {
      this.progress = progress
    }
    maximize() {}
    isMaximized = () => false
    getNormalBounds = () => ({
      x: 10,
      y: 20,
      width: this.options.width ?? 800,
      height: this.options.height ?? 600,
    })
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
      requestSingleInstanceLock: () => options.singleInstanceLock ?? true,
      getPath: () => options.userData ?? '/nonexistent-user-data',
      on: (event: string, listener: Listener) =>
        void appListeners.set(event, [...(appListeners.get(event) ?? []), listener]),
      quit() {
        calls.quit++
      },
      exit() {
        calls.exit++
      },
    },
    BrowserWindow: FakeWindow,
    dialog: {
      showMessageBox: async (_window: unknown, box: unknown) => {
        messageBoxes.push(box)
        return { response: options.messageBoxResponse ?? 1, checkboxChecked: false }
      },
      showOpenDialog: async () =>
        options.openDialogFolder
          ? { canceled: false, filePaths: [options.openDialogFolder] }
          : { canceled: true, filePaths: [] },
    },
    ipcMain: { handle: (channel: string, handler: Listener) => void handlers.set(channel, handler) },
    Menu: {
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu: (menu: unknown) => void (calls.menu = menu),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => void privilegedSchemes.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        void protocolHandlers.set(scheme, handler),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
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
  return {
    electron,
    appListeners,
    handlers,
    windows,
    sessionHooks,
    protocolHandlers,
    privilegedSchemes,
    messageBoxes,
    calls,
    emitApp: (event: string, ...args: unknown[]) => emit(appListeners, event, ...args),
    FakeWebContents,
  }
}
