import WebSocket from 'ws'
import { ServerFrame } from '../../shared/api/wire'
import { RemotePushResponse, type RemotePushRequest } from '../../shared/protocol/remotePush'

/**
 * The node's line to the host: `remote.push` calls over the workbench's WebSocket API. One socket,
 * opened on demand and opened again after any failure; every call either resolves or rejects within
 * `timeoutMs` (an unreachable host is the normal case this code exists for).
 */
export class HostLink {
  private socket: WebSocket | undefined
  private nextId = 1

  constructor(
    private readonly apiUrl: string,
    private readonly timeoutMs = 20_000,
  ) {}

  async push(request: RemotePushRequest): Promise<RemotePushResponse> {
    const socket = await this.open()
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const done = (error: Error | undefined, value?: RemotePushResponse) => {
        clearTimeout(timer)
        socket.off('message', onMessage)
        socket.off('close', onClose)
        if (error) {
          this.drop()
          reject(error)
        } else resolve(value!)
      }
      const timer = setTimeout(
        () => done(new Error(`the host did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      )
      const onClose = () => done(new Error('the connection to the host closed'))
      const onMessage = (data: WebSocket.RawData) => {
        let frame
        try {
          frame = ServerFrame.parse(JSON.parse(data.toString()))
        } catch {
          return
        }
        if (frame.type !== 'response' || frame.id !== id) return
        if (!frame.ok) {
          const error = new Error(`the host refused the push: ${frame.error.message}`) as Error & {
            refused: string
          }
          error.refused = frame.error.code
          done(error)
          return
        }
        const parsed = RemotePushResponse.safeParse(frame.result)
        done(parsed.success ? undefined : new Error('the host sent a malformed push answer'), parsed.data)
      }
      socket.on('message', onMessage)
      socket.on('close', onClose)
      socket.send(JSON.stringify({ type: 'request', id, method: 'remote.push', params: request }))
    })
  }

  close(): void {
    this.drop()
  }

  private drop(): void {
    this.socket?.terminate()
    this.socket = undefined
  }

  private open(): Promise<WebSocket> {
    if (this.socket?.readyState === WebSocket.OPEN) return Promise.resolve(this.socket)
    this.drop()
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.apiUrl, { handshakeTimeout: this.timeoutMs })
      let opened = false
      socket.once('open', () => {
        opened = true
        this.socket = socket
        resolve(socket)
      })
      // After opening, an error is followed by 'close', which fails the call in flight.
      socket.on('error', (error) => {
        if (opened) return
        socket.terminate()
        reject(
          new Error(
            `cannot reach the host at ${this.apiUrl.replace(/token=[^&]*/, 'token=…')}: ${error.message}`,
          ),
        )
      })
    })
  }
}
