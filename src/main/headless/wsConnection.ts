import type { WebSocket } from 'ws'
import { setImmediate as yieldToEvents } from 'node:timers/promises'
import { ApiError } from '../../shared/api/apiError'
import {
  BinaryFrameError,
  BinaryReplyAssembler,
  decodeBinaryFrame,
  encodeBinaryFrames,
  jsonWithBase64,
} from '../../shared/api/binaryFrames'
import { encodeLiveSnapshot } from '../../shared/api/liveSnapshotFrames'
import { typedArrayMethods } from '../../shared/api/methods'
import type { PushEvent } from '../../shared/api/pushEvents'
import { WireRequest, type ServerFrame } from '../../shared/api/wire'
import type { Host } from '../host/host'
import type { HostLogger } from '../host/logger'
import { createLiveGate } from './liveGate'

/** Above this many unsent bytes, a slow client's live trainer messages are held back (see liveGate). */
const maxBufferedBytes = 16 * 1024 * 1024

const nodeBase64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')

/**
 * One WebSocket client: request frames in (JSON text, or a binary message in the binaryFrames.ts layout),
 * a reply for each (an error reply for anything malformed, never a crash), and pushed events for
 * everything and for the runs it subscribed to. A reply with typed arrays goes to a client that asked for
 * binary as binary parts, one per turn of the event loop so other clients' replies slip in between. Once
 * a client has asked for binary, its live per-channel snapshots come as binary too (liveSnapshotFrames.ts).
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
  let readsBinary = false
  /** An event now, in order with the others: a binary snapshot's parts are not spread over turns. */
  const sendEvent = (event: PushEvent) => {
    const parts = readsBinary ? encodeLiveSnapshot(event) : null
    if (!parts) return send({ type: 'event', event })
    if (socket.readyState !== socket.OPEN) return
    for (const part of parts) socket.send(part, { binary: true })
  }
  const gate = createLiveGate({
    bufferedBytes: () => socket.bufferedAmount,
    maxBufferedBytes: options.maxBufferedBytes ?? maxBufferedBytes,
    send: sendEvent,
  })
  const client = host.hub.connect((event) => gate.offer(event))
  const fail = (id: WireRequest['id'] | null, error: ApiError) =>
    send({ type: 'response', id, ok: false, error: error.toBody() })

  /** Sends a reply's binary parts, yielding between them; stops if the socket closes. */
  const sendParts = async (parts: Uint8Array[]) => {
    for (const [i, part] of parts.entries()) {
      if (i > 0) await yieldToEvents()
      if (socket.readyState !== socket.OPEN) return
      socket.send(part, { binary: true })
    }
  }
  const reply = (request: WireRequest, result: unknown) => {
    const frame: ServerFrame = { type: 'response', id: request.id, ok: true, result }
    if (!typedArrayMethods.has(request.method)) return send(frame)
    if (request.binary) return void sendParts(encodeBinaryFrames(request.id, frame))
    if (socket.readyState === socket.OPEN) socket.send(jsonWithBase64(frame, nodeBase64))
  }

  /** A binary request: the same layout the host answers in, one part; its header checked before use. */
  const readBinary = (data: Buffer): unknown => {
    const part = decodeBinaryFrame(data)
    if (part.header.parts !== 1) throw new BinaryFrameError('a binary request must be one message (parts: 1)')
    const assembler = new BinaryReplyAssembler(1)
    assembler.add(part)
    return assembler.complete()
  }

  socket.on('message', (data, isBinary) => {
    let raw: unknown
    if (isBinary) {
      try {
        raw = readBinary(toBuffer(data))
      } catch (error) {
        const message = error instanceof BinaryFrameError ? error.message : 'unreadable binary frame'
        logger.warn(`ws ${peer}: ${message}, rejected`)
        fail(null, new ApiError('invalid-request', `Binary frame rejected: ${message}`))
        return
      }
    } else {
      try {
        raw = JSON.parse(data.toString())
      } catch {
        logger.warn(`ws ${peer}: a frame that is not JSON, rejected`)
        fail(null, new ApiError('invalid-request', 'The frame is not valid JSON'))
        return
      }
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
    const request = frame.data
    if (request.binary) readsBinary = true
    const { id, method, params } = request
    host.api.call(method, params, { client }).then(
      (result) => reply(request, result),
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

/** `ws` hands a binary message as a Buffer, or as fragments when it came in several. */
function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.isBuffer(data) ? data : Buffer.from(data)
}
