import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as Electron from 'electron'
import { resolveDataPaths } from '../host/dataPaths'
import { forkTrainerLauncher } from '../host/forkTrainerLauncher'
import { createHost, type Host } from '../host/host'
import { streamLogger } from '../host/logger'
import { appIndexUrl, isAppProtocolUrl, registerAppScheme, serveRenderer } from './appProtocol'
import { applicationMenuTemplate } from './applicationMenu'
import { applySavedDataFolder, chooseDataFolder } from './dataFolder'
import { IpcBridge } from './ipcBridge'
import { mainWindowOptions, showWhenReady } from './mainWindow'
import { nodeReadablePath } from './nodeReadablePath'
import { guardQuitWhileTraining } from './quitGuard'
import { denyNavigation, hardenSession } from './security'
import { routedTrainerLauncher } from './routedTrainerLauncher'
import { claimSingleInstance } from './singleInstance'
import { findSystemNode, type SystemNode } from './systemNode'
import { utilityTrainerLauncher } from './utilityTrainerLauncher'
import { loadWindowState, rememberWindowState } from './windowState'

type ElectronModule = Pick<
  typeof Electron,
  | 'app'
  | 'BrowserWindow'
  | 'dialog'
  | 'ipcMain'
  | 'Menu'
  | 'protocol'
  | 'screen'
  | 'session'
  | 'utilityProcess'
>

export interface ElectronShell {
  readonly host: Host
  readonly window: Electron.BrowserWindow
  readonly bridge: IpcBridge
}

export interface ElectronShellOptions {
  /** The bundle folder (`out/main`); the preload and renderer sit beside it. */
  readonly outDir?: string
  /** Longest wait at quit for trainers to checkpoint and exit before the app exits anyway. */
  readonly quitTimeoutMs?: number
  /** Finds the Node.js that runs webgpu trainers (default: `findSystemNode` on this machine). */
  readonly findSystemNode?: () => Promise<SystemNode>
}

/**
 * The desktop shell, thin on purpose: it opens the host (the same core as the CLI and `serve`, the
 * same database), puts its API behind IPC, and shows one hardened window. Everything else is the host's.
 * Resolves null when another instance already runs (this one quits and that one comes to the front).
 */
export async function startElectronShell(
  electron: ElectronModule,
  options: ElectronShellOptions = {},
): Promise<ElectronShell | null> {
  const { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, utilityProcess } = electron
  const outDir = options.outDir ?? dirname(fileURLToPath(import.meta.url))
  const quitTimeoutMs = options.quitTimeoutMs ?? 60_000
  const opened: { window?: Electron.BrowserWindow } = {}
  if (!claimSingleInstance(app, () => opened.window)) return null

  const logger = streamLogger(process.stderr)
  // Probed while Electron starts up, so the window does not wait for it.
  const systemNode = (options.findSystemNode ?? findSystemNode)().catch((error: unknown): SystemNode => ({
    found: false,
    reason: `looking for Node.js failed: ${String(error)}`,
  }))
  const rendererUrl = process.env.ELECTRON_RENDERER_URL
  const devOrigin = rendererUrl ? new URL(rendererUrl).origin : null
  const isAppUrl = (url: string): boolean =>
    devOrigin ? url.startsWith(`${devOrigin}/`) || url === devOrigin : isAppProtocolUrl(url)

  registerAppScheme(protocol)
  await app.whenReady()
  hardenSession(session.defaultSession)
  denyNavigation(app, isAppUrl)
  serveRenderer(protocol, resolve(outDir, '../renderer'))
  const settingsDir = app.getPath('userData')
  applySavedDataFolder(join(settingsDir, 'data-folder.json'), process.env)

  const trainerEntry = join(outDir, 'trainer.js')
  // webgpu trainers run on the system Node.js, which must be able to read the trainer bundle.
  const gpuEntry = nodeReadablePath(trainerEntry)
  const node: SystemNode = gpuEntry.ok ? await systemNode : { found: false, reason: gpuEntry.reason }
  logger.info(
    node.found
      ? `webgpu trainers run on Node.js ${node.version} at ${node.path}`
      : `webgpu runs cannot start: ${node.reason}`,
  )
  const host = createHost({
    paths: resolveDataPaths({ env: process.env }),
    launcher: routedTrainerLauncher({
      utility: utilityTrainerLauncher(app, utilityProcess.fork.bind(utilityProcess), trainerEntry),
      systemNode: (nodePath) =>
        forkTrainerLauncher({ entry: gpuEntry.ok ? gpuEntry.path : trainerEntry, execPath: nodePath }),
      node,
    }),
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

  const windowStateFile = join(settingsDir, 'window-state.json')
  const saved = loadWindowState(windowStateFile, screen.getAllDisplays())
  const shown = new BrowserWindow({
    ...mainWindowOptions(resolve(outDir, '../preload/index.cjs')),
    ...(saved ? saved.bounds : {}),
  })
  opened.window = shown
  if (saved?.maximized) shown.once('ready-to-show', () => shown.maximize())
  rememberWindowState(shown, windowStateFile)
  bridge.attach(shown.webContents)
  showWhenReady(shown)

  // Trainers stop at a step boundary with a checkpoint; the wait is bounded so quitting always ends.
  let stopping: Promise<void> | undefined
  const stopTrainers = () =>
    (stopping ??= Promise.race([
      host.close(),
      new Promise<void>((done) => setTimeout(done, quitTimeoutMs).unref()),
    ]).catch((error: unknown) => logger.error(`closing the host failed: ${String(error)}`)))
  const guard = guardQuitWhileTraining({
    window: shown,
    dialog,
    activeRunCount: () => host.supervisor.activeRunIds().length,
    stopTrainers,
    quit: () => app.quit(),
  })
  let hostClosed = false
  app.on('before-quit', (event) => {
    if (hostClosed) return
    event.preventDefault()
    if (!guard.requestQuit()) return
    void stopTrainers().finally(() => {
      hostClosed = true
      app.quit()
    })
  })
  app.on('window-all-closed', () => app.quit())

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      applicationMenuTemplate(process.platform, Boolean(rendererUrl), {
        chooseDataFolder: () =>
          void chooseDataFolder(dialog, shown, join(settingsDir, 'data-folder.json'), process.env).catch(
            (error: unknown) => logger.error(`the folder picker failed: ${String(error)}`),
          ),
        quit: () => app.quit(),
      }),
    ),
  )

  if (rendererUrl) await shown.loadURL(rendererUrl)
  else await shown.loadURL(appIndexUrl)
  return { host, window: shown, bridge }
}
