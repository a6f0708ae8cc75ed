import { ApiError } from './apiError'
import { workbenchMethods, type ApiRequest, type ApiResponse, type WorkbenchMethod } from './methods'
import { PushEvent } from './pushEvents'

/** The typed API the renderer and scripts use, whatever carries it (Electron IPC or a WebSocket). */
export interface WorkbenchClient {
  call<M extends WorkbenchMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>>
  /** Returns the function that stops listening. */
  onEvent(listener: (event: PushEvent) => void): () => void
}

/** The little a transport must do; it rejects a failed call with an `ApiError`. */
export interface WorkbenchTransport {
  request(method: string, params: unknown): Promise<unknown>
  onEvent(listener: (event: unknown) => void): () => void
}

/** Wraps a transport into a `WorkbenchClient` that checks every response and event against the contract. */
export function createWorkbenchClient(transport: WorkbenchTransport): WorkbenchClient {
  return {
    async call(method, request) {
      const raw = await transport.request(method, request)
      const parsed = workbenchMethods[method].response.safeParse(raw)
      if (!parsed.success) {
        throw new ApiError(
          'internal',
          `the host answered ${method} with a malformed response: ${parsed.error.message}`,
        )
      }
      return parsed.data as ApiResponse<typeof method>
    },
    onEvent(listener) {
      return transport.onEvent((raw) => {
        const parsed = PushEvent.safeParse(raw)
        if (parsed.success) listener(parsed.data)
      })
    },
  }
}
