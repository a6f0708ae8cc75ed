import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { BinaryReplyAssembler, decodeBinaryFrame } from '../../../src/shared/api/binaryFrames'
import { liveEventId, liveSnapshotFromFrame } from '../../../src/shared/api/liveSnapshotFrames'
import { PushEvent } from '../../../src/shared/api/pushEvents'
import { presetConfig } from '../../../src/shared/config/presets'
import { createHost, type Host } from '../../../src/main/host/host'
import { serveConnection } from '../../../src/main/headless/wsConnection'
import { scaledShape } from '../../../bench/longrun/paperScaleRun'
import { scriptedLauncher } from '../../../bench/longrun/scriptedTrainer'
import { MemoryLogger } from '../../../src/main/host/logger'

// VGG-19's 4,992 channels, a snapshot every 95 steps, 1,900 steps played in about two seconds.
const shape = scaledShape(0.025, { snapshotEverySteps: 95 })

type RunMessage = Extract<PushEvent, { type: 'runMessage' }>
interface Received {
  readonly event: RunMessage
  readonly binary: boolean
}

/** A raw client that subscribes to a run and keeps its run messages, JSON or binary, in arrival order. */
async function subscriber(url: string, runId: string, binary: boolean) {
  const socket = new WebSocket(url)
  const received: Received[] = []
  socket.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) {
      const frame = JSON.parse(data.toString()) as { type: string; event?: unknown }
      if (frame.type !== 'event') return
      const event = PushEvent.parse(frame.event)
      if (event.type === 'runMessage') received.push({ event, binary: false })
      return
    }
    const part = decodeBinaryFrame(data)
    expect(part.header.id).toBe(liveEventId)
    const assembler = new BinaryReplyAssembler(part.header.parts)
    assembler.add(part)
    const event = liveSnapshotFromFrame(assembler.complete())
    expect(event).not.toBeNull()
    received.push({ event: event!, binary: true })
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  const request = { type: 'request', id: 1, method: 'runs.subscribe', params: { runId } }
  socket.send(JSON.stringify(binary ? { ...request, binary } : request))
  return { socket, received }
}

describe('live snapshots over the WebSocket', () => {
  let dir: string
  let host: Host
  let server: WebSocketServer
  let url: string
  const logger = new MemoryLogger()

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chase-live-binary-'))
    host = createHost({
      paths: { dbPath: join(dir, 'workbench.db'), dataDir: dir },
      launcher: scriptedLauncher(() => ({ shape, stepsPerSecond: 1_000 })),
      shell: 'headless',
    })
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' })
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    server.on('connection', (socket) => serveConnection(socket, host, logger, 'test'))
    url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/api`
  })
  afterAll(async () => {
    for (const socket of server.clients) socket.terminate()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await host.close(1_000)
    rmSync(dir, { recursive: true, force: true })
  })

  it('pushes snapshots as binary to a client that reads binary, with the JSON values and seq order', async () => {
    const runId = host.supervisor.create({ config: presetConfig('paper-vgg19-cifar100'), name: 'live' }).id
    const viaBinary = await subscriber(url, runId, true)
    const viaJson = await subscriber(url, runId, false)
    await host.supervisor.waitFor(runId)
    const isSnapshot = (r: Received) => r.event.message.type === 'layerSnapshot'
    const snapshotsOf = (rs: Received[]) => new Map(rs.filter(isSnapshot).map((r) => [r.event.seq, r]))
    await expect.poll(() => snapshotsOf(viaBinary.received).size, { timeout: 10_000 }).toBeGreaterThan(5)
    const stored = host.store.db
      .prepare(
        'SELECT COUNT(DISTINCT step) FROM layer_snapshots WHERE run_seq = (SELECT seq FROM runs WHERE id = ?)',
      )
      .pluck()
      .get(runId) as number
    expect(stored).toBeGreaterThan(5)
    // Both subscribed before the trainer started: each gets every snapshot the host stored.
    for (const client of [viaBinary, viaJson])
      await expect.poll(() => snapshotsOf(client.received).size, { timeout: 10_000 }).toBe(stored)

    // Snapshots as binary, everything else as JSON, all in seq order as the host numbered them.
    for (const r of viaBinary.received) expect(r.binary).toBe(isSnapshot(r))
    expect(viaJson.received.every((r) => !r.binary)).toBe(true)
    const seqs = viaBinary.received.map((r) => r.event.seq)
    expect(seqs).toEqual(viaJson.received.map((r) => r.event.seq))
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))

    const jsonSnapshots = snapshotsOf(viaJson.received)
    for (const [seq, { event }] of snapshotsOf(viaBinary.received)) {
      const json = jsonSnapshots.get(seq)!.event.message
      const binary = event.message
      if (binary.type !== 'layerSnapshot' || json.type !== 'layerSnapshot') throw new Error('not snapshots')
      expect(binary.step).toBe(json.step)
      expect(binary.densities).toEqual(json.densities)
      binary.layers.forEach((layer, l) => {
        expect(layer.group).toBe(json.layers[l]!.group)
        expect(Array.from(layer.density)).toEqual(json.layers[l]!.density)
        expect(Array.from(layer.umm)).toEqual(json.layers[l]!.umm)
        expect(Array.from(layer.alive)).toEqual(json.layers[l]!.alive)
      })
    }
    viaBinary.socket.close()
    viaJson.socket.close()
  }, 60_000)
})
