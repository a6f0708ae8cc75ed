import { ApiErrorBody } from './apiError'

/** Electron IPC channel names: one per contract method, one for pushed events. */
export const ipcCallChannel = (method: string): string => `workbench:call:${method}`
export const ipcEventChannel = 'workbench:event'

/** What an IPC call returns: the result, or the error body (exceptions lose their shape across IPC). */
export type IpcReply =
  { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: ApiErrorBody }

/**
 * Errors crossing Electron's contextBridge keep only their message, so the preload rejects with an
 * Error whose message carries the body behind this prefix, and the renderer reads it back.
 */
const errorPrefix = 'workbench-api-error:'

export function encodeIpcError(body: ApiErrorBody): string {
  return `${errorPrefix}${JSON.stringify(body)}`
}

export function decodeIpcError(message: string): ApiErrorBody | null {
  const at = message.indexOf(errorPrefix)
  if (at < 0) return null
  try {
    const parsed = ApiErrorBody.safeParse(JSON.parse(message.slice(at + errorPrefix.length)))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}
