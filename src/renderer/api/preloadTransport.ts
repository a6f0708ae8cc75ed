import { ApiError, ApiErrorBody, type WorkbenchTransport } from '../../shared/api'
import { decodeIpcError } from '../../shared/api/ipcChannels'

/**
 * What the Electron preload puts on `window.workbench`: a `request(method, params)` entry point (or the
 * same under `call`) plus an event subscription. Checked at run time, since a page cannot trust a global.
 */
export interface PreloadBridge {
  request?: (method: string, params: unknown) => Promise<unknown>
  call?: (method: string, params: unknown) => Promise<unknown>
  onEvent: (listener: (event: unknown) => void) => () => void
}

export function findPreloadBridge(target: object): PreloadBridge | null {
  const bridge = (target as { workbench?: unknown }).workbench
  if (typeof bridge !== 'object' || bridge === null) return null
  const candidate = bridge as Partial<PreloadBridge>
  const callable = typeof candidate.request === 'function' || typeof candidate.call === 'function'
  return callable && typeof candidate.onEvent === 'function' ? (candidate as PreloadBridge) : null
}

/** Adapts the preload bridge; IPC errors arrive as plain objects or messages, so they are rebuilt as ApiErrors. */
export function createPreloadTransport(bridge: PreloadBridge): WorkbenchTransport {
  const send = (bridge.request ?? bridge.call)!.bind(bridge)
  return {
    async request(method, params) {
      try {
        return await send(method, params)
      } catch (error) {
        throw toApiError(error)
      }
    },
    onEvent: (listener) => bridge.onEvent(listener),
  }
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  const body = ApiErrorBody.safeParse(error)
  if (body.success) return ApiError.fromBody(body.data)
  const message = error instanceof Error ? error.message : String(error)
  const encoded = decodeIpcError(message)
  if (encoded) return ApiError.fromBody(encoded)
  // Electron prefixes rejected invokes with "Error invoking remote method '…': Error: ".
  return new ApiError('internal', message.replace(/^Error invoking remote method '[^']*': (\w*Error: )?/, ''))
}
