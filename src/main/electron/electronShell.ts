import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type * as Electron from 'electron'
import { resolveDataPaths } from '../host/dataPaths'
import { createHost, type Host } from '../host/host'
import { streamLogger } from '../host/logger'
import { IpcBridge } from './ipcBridge'
import { mainWindowOptions, showWhenReady } from './mainWindow'
import { denyNavigation, hardenSession } from './security'
import { utilityTrainerLauncher } from './utilityTrainerLauncher'

type ElectronModule = Pick<
  typeof Electron,
  'app' | 'BrowserWindow' | 'ipcMain' | 'session' | 'utilityProcess'
>

export interface ElectronShell {
  readonly host: Host
  readonly window: Electron.BrowserWindow
  readonly bridge: IpcBridge
}

/**
 * The desktop shell, thin on purpose: it opens the host (the same core as the CLI and `serve`, the
 * same database), puts its API behind IPC, and shows one hardened window. Everything else is the host's.
 */
export async function startElectronShell(
  electron: ElectronModule,
  outDir = dirname(fileURLToPath(import.meta.url)),
): Promise<ElectronShell> {
  const { app, BrowserWindow, ipcMain, session, utilityProcess } = electron
  const logger = streamLogger(process.stderr)
  const rendererUrl = process.env.ELECTRON_RENDERER_URL
  const rendererFile = resolve(outDir, '../renderer/index.html')
  const appOrigin = rendererUrl ? new URL(rendererUrl).origin : null
  const rendererFileUrl = pathToFileURL(rendererFile).href
  const isAppUrl = (url: string): boolean =>
    appOrigin ? url.startsWith(`${appOrigin}/`) || url === appOrigin : url.split('#')[0] === rendererFileUrl

  await app.whenReady()
  hardenSession(session.defaultSession)
  denyNavigation(app, isAppUrl)

  const host = createHost({
    paths: resolveDataPaths({ env: process.env }),
    launcher: utilityTrainerLauncher(
      app,
      utilityProcess.fork.bind(utilityProcess),
      join(outDir, 'trainer.js'),
    ),
    datasetLauncher: utilityTrainerLauncher(
      app,
      utilityProcess.fork.bind(utilityProcess),
      join(outDir, 'datasets.js'),
    ),
    shell: 'electron',
    logger,
  })
  const bridge = new IpcBridge(host, isAppUrl, logger)
  bridge.register(ipcMain)

  const window = new BrowserWindow(mainWindowOptions(resolve(outDir, '../preload/index.cjs')))
  bridge.attach(window.webContents)
  showWhenReady(window)
  if (rendererUrl) await window.loadURL(rendererUrl)
  else await window.loadFile(rendererFile)

  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting) return
    // Trainers stop at a step boundary with a checkpoint (bounded wait, then kill) before the app exits.
    event.preventDefault()
    quitting = true
    void host.close().finally(() => app.quit())
  })
  app.on('window-all-closed', () => app.quit())
  return { host, window, bridge }
}
