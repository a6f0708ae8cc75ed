import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { workbenchMethodNames } from '../../../src/shared/api/methodNames'
import { Rng } from '../../../src/shared/rng'
import { rawExchange, startServeProcess, type ServeProcess } from '../../support/serveProcess'
import { tempDataDir } from '../host/hostHarness'

/** Bounds: counts first, and a wall-clock cap so a slow, shared machine ends the test rather than CI. */
const httpRequests = 1_500
const wsFrames = 1_500
const capMs = 90_000

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)]!
const junk = (rng: Rng, max: number) =>
  String.fromCharCode(...Array.from({ length: rng.int(max) }, () => rng.int(256)))

const targets = [
  '/',
  '/healthz',
  '/api',
  '//',
  '//[',
  '//%',
  'http://[::1',
  '/%',
  '/..%2f..%2fetc/passwd',
  '*',
  '/?token=%',
]
const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'G\u00e9T', 'CONNECT']

function fuzzHttp(rng: Rng, port: number): Buffer {
  const hostHeader = pick(rng, [
    `127.0.0.1:${port}`,
    `127.attacker.example:${port}`,
    `localhost`,
    `[::1`,
    junk(rng, 20),
    '',
  ])
  const headers = [
    `Host: ${hostHeader}`,
    ...(rng.next() < 0.5
      ? [`Cookie: chase_workbench_token=${pick(rng, ['%E0%A4%A', '%', junk(rng, 30)])}`]
      : []),
    ...(rng.next() < 0.3 ? [`Origin: ${pick(rng, ['null', 'http://[', junk(rng, 20)])}`] : []),
    ...(rng.next() < 0.3 ? ['Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13'] : []),
    ...(rng.next() < 0.2 ? [`${junk(rng, 10)}: ${junk(rng, 40)}`] : []),
    ...(rng.next() < 0.2 ? [`Content-Length: ${pick(rng, ['-1', '99999999999', 'x', '5'])}`] : []),
    'Connection: close',
  ]
  let target = pick(rng, targets)
  if (rng.next() < 0.5) target += junk(rng, 12)
  const text = `${pick(rng, methods)} ${target} HTTP/1.${rng.int(3)}\r\n${headers.join('\r\n')}\r\n\r\n`
  const bytes = Buffer.from(text, 'latin1')
  // Flip a few bytes in some requests: what a broken proxy or a fuzzer sends.
  if (rng.next() < 0.3) for (let i = 0; i < 3; i++) bytes[rng.int(bytes.length)] = rng.int(256)
  return bytes
}

function fuzzFrame(rng: Rng): string | Buffer {
  const roll = rng.next()
  if (roll < 0.15) return Buffer.from(junk(rng, 64), 'latin1')
  if (roll < 0.3) return junk(rng, 64)
  const method = rng.next() < 0.8 ? pick(rng, workbenchMethodNames) : junk(rng, 16)
  // Params that no handler accepts as a write: random scalars, arrays, unknown run ids, wrong types.
  const params = pick(rng, [
    null,
    rng.int(1000),
    junk(rng, 10),
    [1, 2, 3],
    { runId: `run-${rng.int(1e6)}`, confirm: true, notes: 'x', tags: ['a'] },
    { config: pick(rng, [null, 7, 'vgg', { model: { arch: junk(rng, 8) } }]) },
    { __proto__: { polluted: true } },
    { runId: junk(rng, 100) },
  ])
  const frame: Record<string, unknown> = {
    type: pick(rng, ['request', 'request', 'event', 7]),
    id: rng.int(1e6),
    method,
    params,
  }
  if (rng.next() < 0.2) delete frame[pick(rng, ['type', 'id', 'method', 'params'])]
  const text = JSON.stringify(frame)
  return rng.next() < 0.2 ? text.slice(0, rng.int(text.length)) : text
}

const countRows = (dbPath: string) => {
  const db = new Database(dbPath, { readonly: true })
  try {
    const tables = ['runs', 'experiments', 'metrics', 'events', 'checkpoints', 'benchmarks']
    return Object.fromEntries(
      tables.map((table) => [
        table,
        (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
      ]),
    )
  } finally {
    db.close()
  }
}

describe('serve under fuzzed requests (loopback only, bounded)', () => {
  const t = tempDataDir()
  let server: ServeProcess
  beforeAll(async () => {
    server = await startServeProcess(t.dir)
  }, 60_000)
  afterAll(async () => {
    await server?.stop()
    t.cleanup()
  })

  it('answers after a few thousand random requests, headers, cookies and frames, and wrote nothing', async () => {
    const started = Date.now()
    const rng = Rng.fromSeed(20_260_512)
    const before = countRows(join(t.dir, 'workbench.db'))
    const filesBefore = readdirSync(t.dir).sort()

    let sent = 0
    for (let i = 0; i < httpRequests && Date.now() - started < capMs / 2; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, () => rawExchange(server.port, fuzzHttp(rng, server.port), 2_000)),
      )
      sent += 25
    }

    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api`)
    let replies = 0
    socket.on('message', () => replies++)
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    let frames = 0
    for (; frames < wsFrames && Date.now() - started < capMs; frames++) {
      socket.send(fuzzFrame(rng))
      if (frames % 100 === 99) await new Promise((r) => setTimeout(r, 5))
    }
    // Every frame gets a reply (an error for the malformed ones): wait for them, bounded.
    const deadline = Date.now() + 30_000
    while (replies < frames && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    socket.close()

    expect(server.alive()).toBe(true)
    expect(sent).toBeGreaterThan(100)
    expect(replies).toBe(frames)
    const health = await rawExchange(
      server.port,
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`,
    )
    expect(health).toMatch(/^HTTP\/1\.1 200/)
    expect(countRows(join(t.dir, 'workbench.db'))).toEqual(before)
    expect(Object.values(before).every((n) => n === 0)).toBe(true)
    expect(readdirSync(t.dir).sort()).toEqual(filesBefore)
  }, 180_000)
})
