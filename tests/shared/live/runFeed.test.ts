import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { createWorkbenchClient, type PushEvent, type RunId } from '../../../src/shared/api'
import { presetConfig } from '../../../src/shared/config/presets'
import { RunFeed } from '../../../src/shared/live/runFeed'
import type { TrainerToHost } from '../../../src/shared/protocol/trainerMessages'
import { createHost, type Host } from '../../../src/main/host/host'
import { silentLogger } from '../../../src/main/host/logger'
import { serveConnection } from '../../../src/main/headless/wsConnection'
import {
  createWebSocketTransport,
  type WebSocketClass,
  type WebSocketTransport,
} from '../../../src/renderer/api/websocketTransport'
import { scaledShape } from '../../../bench/longrun/paperScaleRun'
import { scriptedLauncher } from '../../../bench/longrun/scriptedTrainer'

// VGG-19 (4,992 channels), 3,800 steps in about 13 s, a snapshot (~0.2 MB of JSON) every 20 steps.
const shape = scaledShape(0.05, { snapshotEverySteps: 20 })
const stepsPerSecond = 300

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A host playing one scripted run, served over WebSocket with a small live buffer limit. */
async function serve(maxBufferedBytes: number) {
  const dir = mkdtempSync(join(tmpdir(), 'chase-feed-'))
  const host: Host = createHost({
    paths: { dbPath: join(dir, 'workbench.db'), dataDir: dir },
    launcher: scriptedLauncher(() => ({ shape, stepsPerSecond })),
    shell: 'headless',
  })
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  server.on('connection', (socket) =>
    serveConnection(socket, host, silentLogger, 'test', { maxBufferedBytes }),
  )
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  cleanups.push(() => host.close(1_000))
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/api`
  return { host, url }
}

/** The renderer's WebSocket transport on Node's `ws`, keeping hold of each socket so a test can stall or kill it. */
function connect(url: string) {
  const sockets: WebSocket[] = []
  class KeptWebSocket extends WebSocket {
    constructor(address: string) {
      super(address)
      sockets.push(this)
    }
  }
  const transport: WebSocketTransport = createWebSocketTransport({
    url,
    timeoutMs: 180_000,
    WebSocketImpl: KeptWebSocket as unknown as WebSocketClass,
  })
  cleanups.push(() => transport.close())
  const client = createWorkbenchClient(transport)
  const gaps: PushEvent[] = []
  client.onEvent((event) => event.type === 'runGap' && gaps.push(event))
  return { transport, client, gaps, socket: () => sockets[sockets.length - 1]! }
}

function follow(client: ReturnType<typeof connect>['client'], runId: RunId) {
  const messages: TrainerToHost[] = []
  let live: () => void = () => undefined
  const following = new Promise<void>((resolve) => (live = resolve))
  const feed = new RunFeed({
    client,
    runId,
    eventKinds: ['channelEvent', 'maskUpdate', 'done'],
    onRun: () => undefined,
    onMessage: (m) => messages.push(m),
    onHistoryEvent: (e) => messages.push(e.message as TrainerToHost),
    onChange: (stage) => stage === 'live' && live(),
  })
  const stop = client.onEvent((event) => feed.push(event))
  const started = feed.start()
  return { feed, messages, started, following, stop }
}

const until = async (what: string, check: () => boolean, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const stepOf = (host: Host, runId: string) => host.store.getSummary(runId)?.progress?.step ?? 0

/** The feed must hold exactly what the store holds: every point of every series, every snapshot step. */
async function expectSameAsStore(host: Host, runId: RunId, feed: RunFeed) {
  await until('the run to complete', () => host.store.getSummary(runId)?.status === 'completed')
  host.supervisor.flusher.flush()
  const stored = host.store.series.metrics(runId)
  const lastStored = Math.max(...stored.map((s) => s.steps[s.steps.length - 1] ?? 0))
  await until('the feed to reach the last stored step', () =>
    stored.every((s) => feed.lastStep(s.key) === (s.steps[s.steps.length - 1] ?? -1)),
  )
  expect(lastStored).toBe(shape.totalSteps)
  expect([...feed.series.keys()].sort()).toEqual(stored.map((s) => s.key).sort())
  for (const s of stored) {
    const mine = feed.series.get(s.key)!
    expect({ key: s.key, steps: mine.steps, values: mine.values }).toEqual({
      key: s.key,
      steps: s.steps,
      values: s.values,
    })
  }
  const storedSnapshots = host.store.series.layerSnapshots(runId).map((s) => s.step)
  await until('every snapshot', () => feed.snapshots.length === storedSnapshots.length)
  expect(feed.snapshots.map((s) => s.step)).toEqual(storedSnapshots)
}

describe('RunFeed over the WebSocket transport', () => {
  it(
    'opened late, with a stalled client the host holds back: every point arrives, read back after the gap',
    { timeout: 300_000 },
    async () => {
      const { host, url } = await serve(64 * 1024)
      const run = host.supervisor.create({ config: presetConfig('paper-vgg19-cifar100'), name: 'live' })
      await until('the run to be under way', () => stepOf(host, run.id) >= 300)
      const client = connect(url)
      const { feed, started, following } = follow(client.client, run.id)
      await following
      // The case: a big answer (every snapshot so far, tens of MB) sits in the host's queue of a
      // client that reads slowly (a frozen tab: here it stops reading) while live messages arrive.
      const socket = client.socket()
      socket.pause()
      const bigAnswer = client.client.call('runs.layerSnapshots', { runId: run.id })
      const pausedAt = stepOf(host, run.id)
      await until(
        'the run to move on',
        () => stepOf(host, run.id) >= Math.min(pausedAt + 500, shape.totalSteps),
      )
      socket.resume()
      expect((await bigAnswer).snapshots.length).toBeGreaterThan(10)
      await started
      await expectSameAsStore(host, run.id, feed)
      expect(client.gaps.length).toBeGreaterThan(0)
      feed.close()
    },
  )

  it(
    'a killed connection reconnects and the reopened feed ends equal to the store',
    { timeout: 300_000 },
    async () => {
      const { host, url } = await serve(16 * 1024 * 1024)
      const run = host.supervisor.create({ config: presetConfig('paper-vgg19-cifar100'), name: 'live' })
      await until('the run to be under way', () => stepOf(host, run.id) >= 1_500)
      const client = connect(url)
      const first = follow(client.client, run.id)
      await first.started
      const reopened = new Promise<void>((resolve) => {
        let closed = false
        client.transport.onStateChange((state) => {
          if (state === 'closed') closed = true
          if (state === 'open' && closed) resolve()
        })
      })
      client.socket().terminate()
      await reopened
      // What the dashboard does after a reconnect: open the run again.
      first.stop()
      first.feed.close()
      const second = follow(client.client, run.id)
      await second.started
      await expectSameAsStore(host, run.id, second.feed)
      second.feed.close()
    },
  )
})
