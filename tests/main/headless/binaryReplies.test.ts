import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import {
  BinaryReplyAssembler,
  decodeBinaryFrame,
  encodeBinaryFrames,
} from '../../../src/shared/api/binaryFrames'
import { workbenchMethods } from '../../../src/shared/api/methods'
import { unpackSnapshot } from '../../../src/shared/api/packedSnapshots'
import { presetConfig } from '../../../src/shared/config/presets'
import { createHost, type Host } from '../../../src/main/host/host'
import { serveConnection } from '../../../src/main/headless/wsConnection'
import { scaledShape } from '../../../bench/longrun/paperScaleRun'
import { scriptedLauncher } from '../../../bench/longrun/scriptedTrainer'
import { MemoryLogger } from '../../../src/main/host/logger'

// VGG-19's 4,992 channels, about 20 snapshots: a reply of several binary parts.
const shape = scaledShape(0.025, { snapshotEverySteps: 95 })

type Message = { text: string } | { bytes: Buffer }

/** A raw client that records every message in arrival order. */
async function rawClient(url: string) {
  const socket = new WebSocket(url)
  const messages: Message[] = []
  socket.on('message', (data: Buffer, isBinary) =>
    messages.push(isBinary ? { bytes: data } : { text: data.toString() }),
  )
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 1_000 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
    expect(check()).toBe(true)
  }
  const jsonReply = async (id: unknown) => {
    const find = () =>
      messages
        .flatMap((m) => ('text' in m ? [JSON.parse(m.text) as { type: string; id: unknown }] : []))
        .find((f) => f.type === 'response' && f.id === id)
    await until(() => find() !== undefined)
    return find() as Record<string, unknown>
  }
  return { socket, messages, until, jsonReply }
}

describe('binary replies over the WebSocket', () => {
  let dir: string
  let host: Host
  let server: WebSocketServer
  let url: string
  let runId: string
  const logger = new MemoryLogger()

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chase-binary-'))
    host = createHost({
      paths: { dbPath: join(dir, 'workbench.db'), dataDir: dir },
      launcher: scriptedLauncher(() => ({ shape })),
      shell: 'headless',
    })
    runId = host.supervisor.create({ config: presetConfig('paper-vgg19-cifar100'), name: 'binary' }).id
    await host.supervisor.waitFor(runId)
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 1024 * 1024 })
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    server.on('connection', (socket) => serveConnection(socket, host, logger, 'test'))
    url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/api`
  }, 120_000)
  afterAll(async () => {
    for (const socket of server.clients) socket.terminate()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await host.close(1_000)
    rmSync(dir, { recursive: true, force: true })
  })

  it('sends packed snapshots as binary parts to a client that asks, base64 JSON to one that does not', async () => {
    const client = await rawClient(url)
    const params = { runId, encoding: 'u16' }
    client.socket.send(JSON.stringify({ type: 'request', id: 1, method: 'runs.packedSnapshots', params }))
    client.socket.send(
      JSON.stringify({ type: 'request', id: 2, method: 'runs.packedSnapshots', params, binary: true }),
    )
    // Asked right after the big one: answered between its parts, not after them.
    client.socket.send(JSON.stringify({ type: 'request', id: 3, method: 'runs.list', params: {} }))
    const asJson = await client.jsonReply(1)
    const binaries = () => client.messages.flatMap((m) => ('bytes' in m ? [m.bytes] : []))
    const first = () => (binaries()[0] ? decodeBinaryFrame(binaries()[0]!).header.parts : Infinity)
    await client.until(() => binaries().length === first())
    expect(binaries().length).toBeGreaterThan(1)
    const lastPartAt = client.messages.findIndex((m) => 'bytes' in m && m.bytes === binaries().at(-1))
    const listAt = client.messages.findIndex((m) => 'text' in m && m.text.includes('"id":3'))
    expect(listAt).toBeGreaterThanOrEqual(0)
    expect(listAt).toBeLessThan(lastPartAt)

    const assembler = new BinaryReplyAssembler(first())
    for (const bytes of binaries()) assembler.add(decodeBinaryFrame(bytes))
    const frame = assembler.complete() as { id: number; ok: boolean; result: unknown }
    expect(frame.id).toBe(2)
    const schema = workbenchMethods['runs.packedSnapshots'].response
    const typed = schema.parse(frame.result)
    const based = schema.parse(asJson.result)
    expect(typed.snapshots.length).toBeGreaterThan(10)
    expect(typed.snapshots.length).toBe(based.snapshots.length)
    expect(typed.snapshots[0]!.layers[0]!.umm).toBeInstanceOf(Uint16Array)
    expect(typeof based.snapshots[0]!.layers[0]!.umm).toBe('string')
    for (const [i, snapshot] of typed.snapshots.entries()) {
      const a = unpackSnapshot(snapshot)
      const b = unpackSnapshot(based.snapshots[i]!)
      expect(a.step).toBe(b.step)
      a.layers.forEach((layer, l) => {
        expect(layer.density).toEqual(b.layers[l]!.density)
        expect(layer.umm).toEqual(b.layers[l]!.umm)
        expect(layer.alive).toEqual(b.layers[l]!.alive)
      })
    }
    client.socket.close()
  })

  it('answers a binary frame with a broken header with a clear error, and keeps serving', async () => {
    const client = await rawClient(url)
    const [good] = encodeBinaryFrames(10, { type: 'request', id: 10, method: 'runs.list', params: {} })
    const truncated = Buffer.from(good!).subarray(0, 12)
    const lying = Buffer.from(good!)
    lying.writeUInt32LE(2 ** 31, 4)
    client.socket.send(truncated)
    client.socket.send(lying)
    client.socket.send(Buffer.from('CWB1 but not really'))
    client.socket.send(good!)
    expect((await client.jsonReply(10)).ok).toBe(true)
    const rejected = client.messages
      .flatMap((m) => ('text' in m ? [JSON.parse(m.text) as Record<string, unknown>] : []))
      .filter((f) => f.type === 'response' && f.id === null)
    expect(rejected).toHaveLength(3)
    for (const r of rejected) {
      expect((r.error as { code: string; message: string }).code).toBe('invalid-request')
      expect((r.error as { message: string }).message).toMatch(/^Binary frame rejected: /)
    }
    expect(logger.lines.filter((l) => l.level === 'warn').length).toBeGreaterThanOrEqual(3)
    client.socket.close()
  })
})
