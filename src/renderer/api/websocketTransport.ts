import { ApiError, ApiErrorBody, ServerFrame, type WorkbenchTransport } from '../../shared/api'
import { BinaryReplyAssembler, decodeBinaryFrame, type DecodedPart } from '../../shared/api/binaryFrames'
import { liveEventId, liveSnapshotFromFrame } from '../../shared/api/liveSnapshotFrames'

export type ConnectionState = 'connecting' | 'open' | 'closed'

export interface WebSocketTransport extends WorkbenchTransport {
  readonly state: ConnectionState
  /** Called on every state change; after a reconnect, callers re-subscribe to what they followed. */
  onStateChange(listener: (state: ConnectionState, detail: string) => void): () => void
  /** Closes for good: no reconnection, pending calls fail. */
  close(): void
}

/** The part of the browser's WebSocket class the transport uses (tests pass Node's `ws`). */
export type WebSocketClass = new (url: string) => WebSocket

export interface WebSocketTransportOptions {
  readonly url: string
  readonly WebSocketImpl?: WebSocketClass
  /** A call waiting longer than this for its answer fails (a lost connection fails pending calls at once). */
  readonly timeoutMs?: number
  /**
   * Ask for typed arrays as binary messages (default): replies, and then the live snapshots the host
   * pushes; false keeps every frame JSON.
   */
  readonly binary?: boolean
}

// WebSocket.OPEN, without reading the global (absent in Node before 22).
const openState = 1

interface Pending {
  readonly resolve: (value: unknown) => void
  readonly reject: (error: Error) => void
  readonly timer: ReturnType<typeof setTimeout>
}

/**
 * The browser-mode transport: one WebSocket to the serving host, requests matched to replies by id,
 * pushed events fanned out, and automatic reconnection with backoff (the host may restart under us).
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const timeoutMs = options.timeoutMs ?? 60_000
  const Socket = options.WebSocketImpl ?? WebSocket
  const pending = new Map<number, Pending>()
  const eventListeners = new Set<(event: unknown) => void>()
  const stateListeners = new Set<(state: ConnectionState, detail: string) => void>()
  const outbox: string[] = []
  // Binary replies being assembled, by request id (their parts may interleave with other frames).
  const assembling = new Map<number, BinaryReplyAssembler>()
  const binary = options.binary ?? true
  let socket: WebSocket | null = null
  let state: ConnectionState = 'connecting'
  let nextId = 1
  let retryDelayMs = 250
  let closedForGood = false

  const setState = (next: ConnectionState, detail: string) => {
    state = next
    for (const listener of stateListeners) listener(next, detail)
  }

  const failPending = (message: string) => {
    for (const [id, call] of pending) {
      clearTimeout(call.timer)
      call.reject(new ApiError('unavailable', message))
      pending.delete(id)
    }
  }

  const onText = (text: string) => {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return
    }
    onFrame(json)
  }

  /**
   * One part of a pushed binary event (a live snapshot): its parts come one after another. One that does
   * not assemble is dropped like a malformed JSON frame; the run's next `seq` shows the gap.
   */
  let eventParts: BinaryReplyAssembler | null = null
  const onBinaryEvent = (part: DecodedPart) => {
    try {
      if (part.header.part === 0) eventParts = new BinaryReplyAssembler(part.header.parts)
      if (!eventParts) return
      eventParts.add(part)
      if (!eventParts.done) return
      const event = liveSnapshotFromFrame(eventParts.complete())
      eventParts = null
      if (event) for (const listener of eventListeners) listener(event)
    } catch {
      eventParts = null
    }
  }

  /** One part of a binary reply: checked by its header, kept until the reply is whole. */
  const onBinary = (data: ArrayBuffer) => {
    let id: number | null = null
    try {
      const part = decodeBinaryFrame(data)
      if (part.header.id === liveEventId) return onBinaryEvent(part)
      if (typeof part.header.id !== 'number' || !pending.has(part.header.id)) return
      id = part.header.id
      let assembler = assembling.get(id)
      if (!assembler) assembling.set(id, (assembler = new BinaryReplyAssembler(part.header.parts)))
      assembler.add(part)
      if (!assembler.done) return
      assembling.delete(id)
      onFrame(assembler.complete())
    } catch (error) {
      // A part that names its call fails that call; one that names nothing is ignored like bad JSON.
      if (id === null) return
      assembling.delete(id)
      const call = pending.get(id)
      pending.delete(id)
      if (call) {
        clearTimeout(call.timer)
        call.reject(
          new ApiError('internal', `the host sent a broken binary reply: ${(error as Error).message}`),
        )
      }
    }
  }

  const onFrame = (json: unknown) => {
    const frame = ServerFrame.safeParse(json)
    if (!frame.success) return
    const data = frame.data
    if (data.type === 'event') {
      for (const listener of eventListeners) listener(data.event)
      return
    }
    if (typeof data.id !== 'number') return
    const call = pending.get(data.id)
    if (!call) return
    pending.delete(data.id)
    clearTimeout(call.timer)
    if (data.ok) call.resolve(data.result)
    else call.reject(ApiError.fromBody(ApiErrorBody.parse(data.error)))
  }

  const connect = () => {
    setState('connecting', `connecting to ${options.url}`)
    const ws = new Socket(options.url)
    ws.binaryType = 'arraybuffer'
    socket = ws
    ws.addEventListener('open', () => {
      retryDelayMs = 250
      setState('open', `connected to ${options.url}`)
      for (const frame of outbox.splice(0)) ws.send(frame)
    })
    ws.addEventListener('message', (event) => {
      if (typeof event.data === 'string') onText(event.data)
      else if (event.data instanceof ArrayBuffer) onBinary(event.data)
    })
    let opened = false
    ws.addEventListener('open', () => (opened = true))
    ws.addEventListener('close', (event) => {
      if (socket !== ws) return
      socket = null
      assembling.clear()
      failPending(
        `the connection to the host closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`,
      )
      if (closedForGood) {
        setState('closed', 'closed')
        return
      }
      // A handshake the host refuses looks like any failed connection to a page, so both are named.
      setState(
        'closed',
        opened
          ? `disconnected; retrying in ${Math.round(retryDelayMs / 100) / 10} s`
          : `cannot reach ${options.url} (if the host needs a token, open the URL with the ?token=… it printed); retrying`,
      )
      setTimeout(connect, retryDelayMs)
      retryDelayMs = Math.min(retryDelayMs * 2, 5_000)
    })
  }
  connect()

  return {
    get state() {
      return state
    },
    request(method, params) {
      const id = nextId++
      const frame = JSON.stringify({ type: 'request', id, method, params, ...(binary ? { binary } : {}) })
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          assembling.delete(id)
          reject(new ApiError('unavailable', `${method} got no answer within ${timeoutMs / 1000} s`))
        }, timeoutMs)
        pending.set(id, { resolve, reject, timer })
        if (socket && socket.readyState === openState) socket.send(frame)
        else outbox.push(frame)
      })
    },
    onEvent(listener) {
      eventListeners.add(listener)
      return () => eventListeners.delete(listener)
    },
    onStateChange(listener) {
      stateListeners.add(listener)
      return () => stateListeners.delete(listener)
    },
    close() {
      closedForGood = true
      outbox.length = 0
      socket?.close()
      failPending('the connection was closed')
    },
  }
}

/**
 * Same origin as the page, at the headless server's API path (`/api`), carrying the page's `?token=` when
 * there is one (the server also accepts the cookie it set on the first visit).
 */
export function defaultWebSocketUrl(location: Location): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const token = new URLSearchParams(location.search).get('token')
  return `${protocol}//${location.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`
}
