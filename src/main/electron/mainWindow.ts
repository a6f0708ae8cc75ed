import type { BrowserWindow as BrowserWindowClass, BrowserWindowConstructorOptions } from 'electron'

/** The one window's settings: isolated, sandboxed, no Node, our preload only. */
export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    title: 'Chase Workbench',
    show: false,
    backgroundColor: '#111418',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  }
}

export function showWhenReady(window: BrowserWindowClass): void {
  window.once('ready-to-show', () => window.show())
}
