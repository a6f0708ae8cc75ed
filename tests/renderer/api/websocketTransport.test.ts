import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { ApiError } from '../../../src/shared/api'
import { encodeBinaryFrames } from '../../../src/shared/api/binaryFrames'
import { encodeLiveSnapshot } from '../../../src/shared/api/liveSnapshotFrames'
import { PushEvent } from '../../../src/shared/api/pushEvents'
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

  it('hands a live snapshot pushed as binary to the listeners, in order with JSON events', async () => {
    const { server, url } = await fakeHost(() => ({ ok: true, result: null }))
    const transport = connect(url)
    open.push({ transport, server })
    await transport.request('ping', {})
    const seen: PushEvent[] = []
    transport.onEvent((event) => seen.push(event as PushEvent))
    const runId = '20260101-000000-abcdef'
    const snapshot = PushEvent.parse({
      type: 'runMessage',
      runId,
      seq: 2,
      message: {
        type: 'layerSnapshot',
        step: 40,
        layers: [{ group: 'features.0', density: [0.5, 1 / 3, 0], umm: [0.25, 2, 0], alive: [1, 1, 0] }],
        densities: [],
      },
    })
    const gap = { type: 'runGap', runId, fromSeq: 3, toSeq: 4 }
    server.clients.forEach((c) => {
      for (const part of encodeLiveSnapshot(snapshot)!) c.send(part)
      c.send(JSON.stringify({ type: 'event', event: gap }))
    })
    await expect.poll(() => seen.length).toBe(2)
    const [received, after] = seen
    expect(after).toEqual(gap)
    if (received!.type !== 'runMessage' || received!.message.type !== 'layerSnapshot')
      throw new Error('not a snapshot')
    expect(received!.seq).toBe(2)
    const layer = received!.message.layers[0]!
    expect(Array.from(layer.density)).toEqual([0.5, 1 / 3, 0])
    expect(Array.from(layer.umm)).toEqual([0.25, 2, 0])
    expect(Array.from(layer.alive)).toEqual([1, 1, 0])
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

  it('asks for binary replies and assembles their parts into typed arrays, other frames in between', async () => {
    const asked: unknown[] = []
    const { server, url } = await fakeHost(() => null)
    server.on('connection', (socket) =>
      socket.on('message', (data) => {
        const request = JSON.parse(data.toString()) as Request & { binary?: boolean }
        asked.push(request.binary)
        const result = {
          a: [1, 2, 3].map((k) => new Float32Array(1000).fill(k / 4)),
          b: Uint16Array.from([1, 2, 3]),
        }
        const parts = encodeBinaryFrames(
          request.id,
          { type: 'response', id: request.id, ok: true, result },
          {
            partBytes: 4_000,
          },
        )
        expect(parts.length).toBe(4)
        for (const [i, part] of parts.entries()) {
          socket.send(part)
          if (i === 1)
            socket.send(JSON.stringify({ type: 'event', event: { type: 'runDeleted', runId: 'r' } }))
        }
      }),
    )
    const transport = connect(url)
    open.push({ transport, server })
    const events: unknown[] = []
    transport.onEvent((e) => events.push(e))
    const result = (await transport.request('runs.packedSnapshots', {})) as {
      a: Float32Array[]
      b: Uint16Array
    }
    expect(asked).toEqual([true])
    expect(result.a.map((a) => [a.constructor, a.length, a[999]])).toEqual(
      [0.25, 0.5, 0.75].map((v) => [Float32Array, 1000, v]),
    )
    expect(Array.from(result.b)).toEqual([1, 2, 3])
    expect(events).toHaveLength(1)
  })

  it('fails a call whose binary reply is broken, with what was wrong', async () => {
    const { server, url } = await fakeHost(() => null)
    server.on('connection', (socket) =>
      socket.on('message', (data) => {
        const request = JSON.parse(data.toString()) as Request
        const [first, second] = encodeBinaryFrames(
          request.id,
          {
            type: 'response',
            id: request.id,
            ok: true,
            result: [new Float32Array(2000), new Float32Array(2000)],
          },
          { partBytes: 8_000 },
        )
        // The second part arrives first.
        socket.send(second!)
        socket.send(first!)
      }),
    )
    const transport = connect(url)
    open.push({ transport, server })
    await expect(transport.request('x', {})).rejects.toThrow(
      /broken binary reply: part 1 of 2 arrived after 0/,
    )
  })
})
