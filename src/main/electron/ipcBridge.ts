import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { ApiError } from '../../shared/api/apiError'
import { ipcCallChannel, ipcEventChannel, type IpcReply } from '../../shared/api/ipcChannels'
import { workbenchMethodNames } from '../../shared/api/methodNames'
import { typedArrayMethods } from '../../shared/api/methods'
import { withOwnBuffers } from '../../shared/api/transferables'
import type { CallContext } from '../host/apiHandlers'
import type { Host } from '../host/host'
import type { HostLogger } from '../host/logger'

/**
 * Puts the host's API behind `ipcMain.handle`, one channel per contract method. A call is answered only
 * when it comes from the app's own page in a window we made; its payload is validated by the handlers.
 * Pushed events go to each window through its own EventHub session (its subscriptions).
 *
 * Replies with typed arrays (packed snapshots) cross as typed arrays: Electron's IPC is a structured
 * clone, which carries their bytes as ArrayBuffers (no base64, no number-by-number copy); each array is
 * given a buffer of its own first so the clone copies only its bytes. (Electron's main-process ports take
 * only ports in a transfer list, so across processes the bytes are copied once, not moved.)
 */
export class IpcBridge {
  private readonly contexts = new Map<number, CallContext>()

  constructor(
    private readonly host: Host,
    private readonly isAppUrl: (url: string) => boolean,
    private readonly logger: HostLogger,
  ) {}

  register(ipcMain: IpcMain): void {
    for (const method of workbenchMethodNames) {
      ipcMain.handle(ipcCallChannel(method), (event, params) => this.answer(method, event, params))
    }
  }

  /** Starts delivering events to a window; its session ends when the window's contents go away. */
  attach(contents: WebContents): void {
    const client = this.host.hub.connect((event) => {
      if (!contents.isDestroyed()) contents.send(ipcEventChannel, event)
    })
    this.contexts.set(contents.id, { client })
    contents.once('destroyed', () => {
      client.close()
      this.contexts.delete(contents.id)
    })
  }

  private async answer(method: string, event: IpcMainInvokeEvent, params: unknown): Promise<IpcReply> {
    const context = this.contexts.get(event.sender.id)
    const url = event.senderFrame?.url ?? ''
    if (!context || !this.isAppUrl(url)) {
      this.logger.warn(`refused ${method} from an unknown sender (${url.slice(0, 120) || 'no frame'})`)
      return { ok: false, error: { code: 'unauthorized', message: 'This page may not call the workbench.' } }
    }
    try {
      const result = await this.host.api.call(method, params, context)
      return { ok: true, result: typedArrayMethods.has(method) ? withOwnBuffers(result).reply : result }
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError('internal', String(error))
      return { ok: false, error: apiError.toBody() }
    }
  }
}
