import { mkdirSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startServer, type RunningServer } from '../../../src/main/headless/server'
import { quickConfig, tempDataDir, testHost } from '../host/hostHarness'

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** A WebSocket client that collects every frame as parsed JSON. */
async function connect(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers })
  const frames: Record<string, unknown>[] = []
  socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>))
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
  })
  const reply = async (id: unknown) => {
    for (let i = 0; i < 500; i++) {
      const frame = frames.find((f) => f.type === 'response' && f.id === id)
      if (frame) return frame
      await new Promise((r) => setTimeout(r, 10))
    }
    throw new Error(`no reply to ${String(id)}`)
  }
  return { socket, frames, reply }
}

describe('headless server', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  async function setup(options: { renderer?: boolean; requireToken?: boolean } = {}) {
    const t = tempDataDir()
    const host = testHost(t.dir, { steps: 40 })
    const rendererDir = join(t.dir, 'renderer')
    if (options.renderer) {
      mkdirSync(join(rendererDir, 'assets'), { recursive: true })
      writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>workbench</title>')
      writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
    }
    const server: RunningServer = await startServer({
      host,
      rendererDir,
      port: 0,
      logger: host.logger,
      ...(options.requireToken ? { requireToken: true, token: 'secret-token' } : {}),
    })
    cleanups.push(
      t.cleanup,
      () => host.close(1000),
      () => server.close(),
    )
    return { host, server, t }
  }

  it('binds 127.0.0.1 without a token and says how to build the UI when it is missing', async () => {
    const { server } = await setup()
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(server.token).toBeNull()
    const page = await get(server.port, '/')
    expect(page.status).toBe(503)
    expect(page.body).toContain('npm run build')
  })

  it('serves the built renderer with client-side routes, and nothing outside it', async () => {
    const { server } = await setup({ renderer: true })
    expect((await get(server.port, '/')).body).toContain('<title>workbench</title>')
    const js = await get(server.port, '/assets/app.js')
    expect(js.headers['content-type']).toMatch(/javascript/)
    expect((await get(server.port, '/runs/123')).body).toContain('<title>workbench</title>')
    expect((await get(server.port, '/assets/missing.js')).status).toBe(404)
    expect((await get(server.port, '/%2e%2e/workbench.db')).status).toBe(404)
    expect((await get(server.port, '/..%2fworkbench.db')).status).toBe(404)
  })

  it('carries the contract over the WebSocket: replies with ids and pushed events', async () => {
    const { server } = await setup()
    const { frames, reply, socket } = await connect(`ws://127.0.0.1:${server.port}/api`)
    cleanups.push(() => socket.close())
    socket.send(
      JSON.stringify({ type: 'request', id: 1, method: 'runs.create', params: { config: quickConfig() } }),
    )
    const created = await reply(1)
    expect(created.ok).toBe(true)
    const runId = (created.result as { id: string }).id
    socket.send(JSON.stringify({ type: 'request', id: 'sub', method: 'runs.subscribe', params: { runId } }))
    expect((await reply('sub')).ok).toBe(true)
    for (
      let i = 0;
      i < 500 && !frames.some((f) => f.type === 'event' && JSON.stringify(f).includes('"completed"'));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 10))
    }
    const pushed = frames.filter((f) => f.type === 'event').map((f) => (f.event as { type: string }).type)
    expect(pushed).toContain('runChanged')
    expect(pushed).toContain('runMessage')
  })

  it('answers every malformed frame with an error reply and keeps serving', async () => {
    const { server, host } = await setup()
    const { frames, reply, socket } = await connect(`ws://127.0.0.1:${server.port}/api`)
    cleanups.push(() => socket.close())
    socket.send('not json {')
    socket.send(Buffer.from([1, 2, 3]))
    socket.send(JSON.stringify({ hello: 'world' }))
    socket.send(JSON.stringify({ type: 'request', id: 'x1', method: 'runs.nope', params: {} }))
    socket.send(JSON.stringify({ type: 'request', id: 'x2', method: 'runs.get', params: { runId: 5 } }))
    socket.send(
      JSON.stringify({
        type: 'request',
        id: 'x3',
        method: 'runs.delete',
        params: { runId: 'r', confirm: 'yes' },
      }),
    )
    socket.send(
      JSON.stringify({
        type: 'request',
        id: 'x4',
        method: 'runs.create',
        params: { config: { model: { arch: 7 } } },
      }),
    )
    socket.send(JSON.stringify({ type: 'request', id: 'ok', method: 'runs.list', params: {} }))
    expect((await reply('ok')).ok).toBe(true)
    expect(((await reply('x1')).error as { code: string }).code).toBe('unknown-method')
    for (const id of ['x2', 'x3', 'x4'])
      expect(((await reply(id)).error as { code: string }).code).toBe('invalid-request')
    const anonymous = frames.filter((f) => f.type === 'response' && f.id === null)
    expect(anonymous).toHaveLength(3)
    expect(host.logger.lines.filter((l) => l.level === 'warn' && l.message.startsWith('ws '))).toHaveLength(7)
    expect(host.store.listRuns({ includeArchived: true, limit: 10, offset: 0 }).total).toBe(0)
  })

  it('closes a connection that sends an oversized frame, without harming the server', async () => {
    const { server } = await setup()
    const { socket } = await connect(`ws://127.0.0.1:${server.port}/api`)
    const closed = new Promise<number>((r) => socket.once('close', (code) => r(code)))
    socket.send(
      JSON.stringify({
        type: 'request',
        id: 1,
        method: 'runs.list',
        params: { pad: 'x'.repeat(2 * 1024 * 1024) },
      }),
    )
    expect(await closed).toBe(1009)
    const again = await connect(`ws://127.0.0.1:${server.port}/api`)
    cleanups.push(() => again.socket.close())
    again.socket.send(JSON.stringify({ type: 'request', id: 2, method: 'runs.list', params: {} }))
    expect((await again.reply(2)).ok).toBe(true)
  })

  it('requires the token on HTTP and WebSocket when one is set, and remembers it in a cookie', async () => {
    const { server } = await setup({ renderer: true, requireToken: true })
    expect(server.url).toContain('?token=secret-token')
    expect((await get(server.port, '/')).status).toBe(403)
    expect((await get(server.port, '/?token=wrong')).status).toBe(403)
    const first = await get(server.port, '/?token=secret-token')
    expect(first.status).toBe(200)
    const cookie = String(first.headers['set-cookie']).split(';')[0]!
    expect((await get(server.port, '/assets/app.js', { cookie })).status).toBe(200)
    await expect(connect(`ws://127.0.0.1:${server.port}/api`)).rejects.toThrow(/403/)
    const withToken = await connect(`ws://127.0.0.1:${server.port}/api?token=secret-token`)
    withToken.socket.close()
    const withCookie = await connect(`ws://127.0.0.1:${server.port}/api`, { cookie })
    withCookie.socket.close()
  })

  it('refuses cross-site WebSockets and foreign Host headers (DNS rebinding)', async () => {
    const { server } = await setup({ renderer: true })
    await expect(
      connect(`ws://127.0.0.1:${server.port}/api`, { origin: 'http://evil.example' }),
    ).rejects.toThrow(/403/)
    expect((await get(server.port, '/', { host: 'evil.example' })).status).toBe(403)
    const sameOrigin = await connect(`ws://127.0.0.1:${server.port}/api`, {
      origin: `http://127.0.0.1:${server.port}`,
    })
    sameOrigin.socket.close()
  })
})
