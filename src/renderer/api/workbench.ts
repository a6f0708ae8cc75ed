import { createWorkbenchClient, type WorkbenchClient } from '../../shared/api'
import { createPreloadTransport, findPreloadBridge } from './preloadTransport'
import { createWebSocketTransport, defaultWebSocketUrl, type ConnectionState } from './websocketTransport'

export interface Workbench {
  readonly client: WorkbenchClient
  readonly shell: 'electron' | 'browser'
  /** Connection changes of the transport (Electron's IPC is always open). */
  onConnection(listener: (state: ConnectionState, detail: string) => void): () => void
}

/** Picks the transport once: the Electron preload when it is there, else a WebSocket to the serving host. */
function connectWorkbench(): Workbench {
  const bridge = findPreloadBridge(window)
  if (bridge) {
    return {
      client: createWorkbenchClient(createPreloadTransport(bridge)),
      shell: 'electron',
      onConnection(listener) {
        listener('open', 'Electron')
        return () => undefined
      },
    }
  }
  const transport = createWebSocketTransport({ url: defaultWebSocketUrl(window.location) })
  return {
    client: createWorkbenchClient(transport),
    shell: 'browser',
    onConnection(listener) {
      listener(transport.state, '')
      return transport.onStateChange(listener)
    },
  }
}

let instance: Workbench | null = null

export function workbench(): Workbench {
  instance ??= connectWorkbench()
  return instance
}

/** The typed API; every store goes through this. */
export function api(): WorkbenchClient {
  return workbench().client
}
