import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hostname } from 'node:os'
import { WebSocketServer } from 'ws'
import type { Host } from '../host/host'
import { silentLogger, type HostLogger } from '../host/logger'
import { isLoopback, newAccessToken, sameSiteRequest, tokenCookie, tokenMatches } from './accessToken'
import { notBuiltPage, rendererIsBuilt, serveStatic } from './staticFiles'
import { serveConnection } from './wsConnection'

export const apiPath = '/api'
export const defaultPort = 4680

export interface ServeOptions {
  readonly host: Host
  /** Interface to bind: 127.0.0.1 by default; anything else requires the access token. */
  readonly bindHost?: string
  /** 0 picks a free port. */
  readonly port?: number
  readonly rendererDir: string
  /** Override the generated token (tests); ignored on loopback unless `requireToken`. */
  readonly token?: string
  readonly requireToken?: boolean
  readonly logger?: HostLogger
  /** Largest request frame accepted, in bytes. */
  readonly maxFrameBytes?: number
}

export interface RunningServer {
  /** Open this in a browser; carries the token when one is required (print it once). */
  readonly url: string
  readonly port: number
  readonly token: string | null
  close(): Promise<void>
}

const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The token travels in the first URL: never leak it through a Referer.
  'referrer-policy': 'no-referrer',
}

/** The request target as a URL, or null for one `new URL` rejects (`//[`, `http://[::1`): never a throw. */
function requestUrl(request: IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? '/', 'http://workbench.invalid')
  } catch {
    return null
  }
}

/** The headless shell: the built renderer over HTTP and the WorkbenchApi over a WebSocket at `/api`. */
export function startServer(options: ServeOptions): Promise<RunningServer> {
  const bindHost = options.bindHost ?? '127.0.0.1'
  const logger = options.logger ?? silentLogger
  const token = options.requireToken || !isLoopback(bindHost) ? (options.token ?? newAccessToken()) : null

  const allowed = (request: IncomingMessage, url: URL) =>
    sameSiteRequest(request, bindHost, request.socket.localPort) && tokenMatches(request, url, token)

  const http = createServer((request, response) => {
    const url = requestUrl(request)
    if (url === null) {
      response.writeHead(400, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' })
      response.end('Bad request: the request target is not a valid path.\n')
      return
    }
    if (!allowed(request, url)) {
      response.writeHead(403, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' })
      response.end('Forbidden: open the URL with the token that `chase-workbench serve` printed.\n')
      return
    }
    handleHttp(request, response, url)
  })

  const handleHttp = (request: IncomingMessage, response: ServerResponse, url: URL) => {
    for (const [name, value] of Object.entries(securityHeaders)) response.setHeader(name, value)
    if (token !== null && url.searchParams.has('token')) {
      // Remember the token so the page's scripts, assets and WebSocket need not carry it.
      response.setHeader(
        'set-cookie',
        `${tokenCookie}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      )
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    if (url.pathname === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
      return
    }
    if (!rendererIsBuilt(options.rendererDir)) {
      response
        .writeHead(503, { 'content-type': 'text/html; charset=utf-8' })
        .end(notBuiltPage(options.rendererDir))
      return
    }
    if (!serveStatic(options.rendererDir, url.pathname, response)) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n')
    }
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? 1024 * 1024 })
  http.on('upgrade', (request, socket, head) => {
    const url = requestUrl(request)
    if (url === null || url.pathname !== apiPath || !allowed(request, url)) {
      logger.warn(
        `refused a WebSocket from ${request.socket.remoteAddress ?? '?'} (${url?.pathname ?? 'bad target'}): bad path, origin or token`,
      )
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) =>
      serveConnection(
        ws,
        options.host,
        logger,
        `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? ''}`,
      ),
    )
  })

  return new Promise((resolveServer, reject) => {
    http.once('error', reject)
    http.listen(options.port ?? defaultPort, bindHost, () => {
      http.off('error', reject)
      const port = (http.address() as AddressInfo).port
      const anyInterface = bindHost === '0.0.0.0' || bindHost === '::'
      const shownHost = anyInterface ? hostname() : bindHost.includes(':') ? `[${bindHost}]` : bindHost
      const url = `http://${shownHost}:${port}/${token ? `?token=${token}` : ''}`
      resolveServer({
        url,
        port,
        token,
        close: () =>
          new Promise<void>((done) => {
            for (const client of wss.clients) client.terminate()
            wss.close()
            http.closeAllConnections()
            http.close(() => done())
          }),
      })
    })
  })
}
