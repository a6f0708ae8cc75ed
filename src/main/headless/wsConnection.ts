import type { WebSocket } from 'ws'
import { ApiError } from '../../shared/api/apiError'
import { WireRequest, type ServerFrame } from '../../shared/api/wire'
import type { Host } from '../host/host'
import type { HostLogger } from '../host/logger'
import { createLiveGate } from './liveGate'

/** Above this many unsent bytes, a slow client's live trainer messages are held back (see liveGate). */
const maxBufferedBytes = 16 * 1024 * 1024

/**
 * One WebSocket client: JSON request frames in, a reply for each (an error reply for anything malformed,
 * never a crash), and pushed events for everything and for the runs it subscribed to.
 */
export function serveConnection(
  socket: WebSocket,
  host: Host,
  logger: HostLogger,
  peer: string,
  options: { readonly maxBufferedBytes?: number } = {},
): void {
  const send = (frame: ServerFrame) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame))
  }
  const gate = createLiveGate({
    bufferedBytes: () => socket.bufferedAmount,
    maxBufferedBytes: options.maxBufferedBytes ?? maxBufferedBytes,
    send: (event) => send({ type: 'event', event }),
  })
  const client = host.hub.connect((event) => gate.offer(event))
  const fail = (id: WireRequest['id'] | null, error: ApiError) =>
    send({ type: 'response', id, ok: false, error: error.toBody() })

  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      logger.warn(`ws ${peer}: a binary frame, rejected`)
      fail(null, new ApiError('invalid-request', 'Send requests as JSON text frames'))
      return
    }
    let raw: unknown
    try {
      raw = JSON.parse(data.toString())
    } catch {
      logger.warn(`ws ${peer}: a frame that is not JSON, rejected`)
      fail(null, new ApiError('invalid-request', 'The frame is not valid JSON'))
      return
    }
    const frame = WireRequest.safeParse(raw)
    if (!frame.success) {
      const id = (raw as { id?: unknown } | null)?.id
      const usableId =
        typeof id === 'string' && id.length <= 64 ? id : Number.isInteger(id) ? (id as number) : null
      logger.warn(`ws ${peer}: a malformed request frame, rejected`)
      fail(usableId, new ApiError('invalid-request', 'Expected { type: "request", id, method, params }'))
      return
    }
    const { id, method, params } = frame.data
    host.api.call(method, params, { client }).then(
      (result) => send({ type: 'response', id, ok: true, result }),
      (error: unknown) => {
        const apiError = error instanceof ApiError ? error : new ApiError('internal', String(error))
        if (apiError.code === 'invalid-request' || apiError.code === 'unknown-method') {
          logger.warn(`ws ${peer}: ${method} rejected: ${apiError.message}`)
        }
        fail(id, apiError)
      },
    )
  })
  const end = () => {
    gate.close()
    client.close()
  }
  socket.on('close', end)
  socket.on('error', end)
}
