import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { ApiError } from '../../../src/shared/api'
import {
  createWebSocketTransport,
  type WebSocketClass,
  type WebSocketTransport,
} from '../../../src/renderer/api/websocketTransport'

interface Request {
  id: number
  method: string
  params: unknown
}

/** A stand-in host: answers each request through `reply`, and can push events. */
async function fakeHost(reply: (request: Request) => object | null) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const request = JSON.parse(data.toString()) as Request
      const answer = reply(request)
      if (answer) socket.send(JSON.stringify({ type: 'response', id: request.id, ...answer }))
    })
  })
  const port = (server.address() as { port: number }).port
  return { server, url: `ws://127.0.0.1:${port}/api` }
}

const open: { transport?: WebSocketTransport; server?: WebSocketServer }[] = []
afterEach(async () => {
  for (const item of open.splice(0)) {
    item.transport?.close()
    await new Promise<void>((resolve) => (item.server ? item.server.close(() => resolve()) : resolve()))
  }
})

function connect(url: string, timeoutMs = 5_000): WebSocketTransport {
  return createWebSocketTransport({ url, timeoutMs, WebSocketImpl: WebSocket as unknown as WebSocketClass })
}

describe('WebSocket transport', () => {
  it('matches replies to requests by id, even out of order, and queues calls made before the socket opens', async () => {
    const held: Request[] = []
    const { server, url } = await fakeHost((request) => {
      if (request.method === 'slow') {
        held.push(request)
        return null
      }
      if (request.method === 'fast') {
        setTimeout(
          () =>
            server.clients.forEach((c) =>
              c.send(JSON.stringify({ type: 'response', id: held[0]!.id, ok: true, result: 'slow done' })),
            ),
          10,
        )
        return { ok: true, result: { echo: request.params } }
      }
      return { ok: false, error: { code: 'unknown-method', message: `no ${request.method}` } }
    })
    const transport = connect(url)
    open.push({ transport, server })
    const slow = transport.request('slow', {})
    const fast = transport.request('fast', { n: 1 })
    await expect(fast).resolves.toEqual({ echo: { n: 1 } })
    await expect(slow).resolves.toBe('slow done')
  })

  it('rejects a failed call with the host error code and message', async () => {
    const { server, url } = await fakeHost(() => ({
      ok: false,
      error: {
        code: 'invalid-request',
        message: 'bad config',
        issues: [{ path: 'sparsity.density', message: 'at most 1' }],
      },
    }))
    const transport = connect(url)
    open.push({ transport, server })
    const error = await transport.request('runs.create', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({
      code: 'invalid-request',
      message: 'bad config',
      issues: [{ path: 'sparsity.density' }],
    })
  })

  it('hands pushed events to every listener until it unsubscribes', async () => {
    const { server, url } = await fakeHost(() => ({ ok: true, result: null }))
    const transport = connect(url)
    open.push({ transport, server })
    await transport.request('ping', {})
    const seen: unknown[] = []
    const stop = transport.onEvent((event) => seen.push(event))
    const event = { type: 'runDeleted', runId: 'r1' }
    server.clients.forEach((c) => c.send(JSON.stringify({ type: 'event', event })))
    await expect.poll(() => seen.length).toBe(1)
    stop()
    server.clients.forEach((c) => c.send(JSON.stringify({ type: 'event', event })))
    await transport.request('ping', {})
    expect(seen).toEqual([event])
  })

  it('fails pending calls when the connection drops, then reconnects on its own', async () => {
    const { server, url } = await fakeHost((request) =>
      request.method === 'hang' ? null : { ok: true, result: 'ok' },
    )
    const transport = connect(url)
    open.push({ transport, server })
    const states: string[] = []
    transport.onStateChange((state) => states.push(state))
    await transport.request('ping', {})
    const hanging = transport.request('hang', {})
    server.clients.forEach((c) => c.terminate())
    await expect(hanging).rejects.toMatchObject({ code: 'unavailable' })
    await expect.poll(() => transport.state, { timeout: 5_000 }).toBe('open')
    await expect(transport.request('ping', {})).resolves.toBe('ok')
    expect(states).toEqual(['open', 'closed', 'connecting', 'open'])
  })
})
