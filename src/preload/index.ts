/**
 * The sandboxed preload: exposes exactly the WorkbenchApi contract on `window.workbench` and nothing of
 * Node or Electron. Calls go to the main process one IPC channel per method; events come back on one.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { encodeIpcError, ipcCallChannel, ipcEventChannel, type IpcReply } from '../shared/api/ipcChannels'
import { workbenchMethodNames } from '../shared/api/methodNames'

const allowed = new Set<string>(workbenchMethodNames)

contextBridge.exposeInMainWorld('workbench', {
  methods: [...workbenchMethodNames],
  async request(method: string, params: unknown): Promise<unknown> {
    if (typeof method !== 'string' || !allowed.has(method)) {
      throw new Error(
        encodeIpcError({
          code: 'unknown-method',
          message: `Unknown method "${String(method).slice(0, 64)}"`,
        }),
      )
    }
    const reply = (await ipcRenderer.invoke(ipcCallChannel(method), params)) as IpcReply
    if (reply.ok) return reply.result
    throw new Error(encodeIpcError(reply.error))
  },
  onEvent(listener: (event: unknown) => void): () => void {
    const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload)
    ipcRenderer.on(ipcEventChannel, handler)
    return () => ipcRenderer.removeListener(ipcEventChannel, handler)
  },
})
