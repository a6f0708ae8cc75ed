import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { rawExchange, startServeProcess, type ServeProcess } from '../../support/serveProcess'
import { tempDataDir } from '../host/hostHarness'

const statusOf = (reply: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0)

/** A plain GET on a fresh socket; the server closes after it (Connection: close). */
const rawGet = (port: number, target: string, headers: string[] = [`Host: 127.0.0.1:${port}`]) =>
  rawExchange(port, `GET ${target} HTTP/1.1\r\n${[...headers, 'Connection: close'].join('\r\n')}\r\n\r\n`)

const rawUpgrade = (port: number, target: string, headers: string[]) =>
  rawExchange(
    port,
    `GET ${target} HTTP/1.1\r\n${[
      ...headers,
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ].join('\r\n')}\r\n\r\n`,
  )

/** Opens an API WebSocket with the given headers and lists the runs; resolves to the HTTP refusal status. */
function wsListRuns(port: number, headers: Record<string, string>): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers })
    socket.once('open', () => {
      socket.close()
      resolve('open')
    })
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    socket.once('error', () => resolve(0))
  })
}

describe('serve against hostile requests (a real server process on loopback)', () => {
  const t = tempDataDir()
  let open: ServeProcess
  let tokened: ServeProcess

  beforeAll(async () => {
    open = await startServeProcess(t.dir)
    tokened = await startServeProcess(`${t.dir}/tokened`, { requireToken: true, token: 'secret-token' })
  }, 60_000)
  afterAll(async () => {
    await open?.stop()
    await tokened?.stop()
    t.cleanup()
  })

  const healthy = async (server: ServeProcess, extra: string[] = []) => {
    expect(server.alive()).toBe(true)
    const reply = await rawGet(server.port, '/healthz', [`Host: 127.0.0.1:${server.port}`, ...extra])
    expect(statusOf(reply)).toBe(200)
  }

  it.each(['//', '//[', '//%', 'http://[::1', '//[::1]:x'])(
    'answers 400 to the request target %s and keeps serving',
    async (target) => {
      expect(statusOf(await rawGet(open.port, target))).toBe(400)
      const upgrade = await rawUpgrade(open.port, target, [`Host: 127.0.0.1:${open.port}`])
      expect(statusOf(upgrade)).toBeGreaterThanOrEqual(400)
      await healthy(open)
    },
    20_000,
  )

  it('treats an undecodable token cookie as no token, over HTTP and WebSocket, and keeps serving', async () => {
    const cookie = 'Cookie: chase_workbench_token=%E0%A4%A'
    const reply = await rawGet(tokened.port, '/healthz', [`Host: 127.0.0.1:${tokened.port}`, cookie])
    expect(statusOf(reply)).toBe(403)
    const upgrade = await rawUpgrade(tokened.port, '/api', [`Host: 127.0.0.1:${tokened.port}`, cookie])
    expect(statusOf(upgrade)).toBe(403)
    await healthy(tokened, ['Cookie: chase_workbench_token=secret-token'])
  }, 20_000)

  it('refuses DNS-rebinding Host names that only look like loopback, and other ports', async () => {
    const port = open.port
    for (const host of [
      `127.attacker.example:${port}`,
      `127.0.0.1.attacker.example:${port}`,
      `localhost.attacker.example:${port}`,
      `127.0.0.1:${port + 1}`,
      `localhost`,
      `127.0.0.1@evil.example:${port}`,
    ]) {
      expect(statusOf(await rawGet(port, '/healthz', [`Host: ${host}`])), host).toBe(403)
      expect(await wsListRuns(port, { host, origin: `http://${host}` }), host).toBe(403)
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `127.3.4.5:${port}`, `[::1]:${port}`]) {
      expect(statusOf(await rawGet(port, '/healthz', [`Host: ${host}`])), host).toBe(200)
      expect(await wsListRuns(port, { host, origin: `http://${host}` }), host).toBe('open')
    }
    expect(open.alive()).toBe(true)
  }, 30_000)
})
