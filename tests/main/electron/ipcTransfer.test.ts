import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorkbenchClient, type RunId } from '../../../src/shared/api'
import { ipcCallChannel, type IpcReply } from '../../../src/shared/api/ipcChannels'
import { unpackSnapshot } from '../../../src/shared/api/packedSnapshots'
import { withOwnBuffers } from '../../../src/shared/api/transferables'
import { presetConfig } from '../../../src/shared/config/presets'
import { IpcBridge } from '../../../src/main/electron/ipcBridge'
import { createHost, type Host } from '../../../src/main/host/host'
import { silentLogger } from '../../../src/main/host/logger'
import { createPreloadTransport } from '../../../src/renderer/api/preloadTransport'
import { scaledShape } from '../../../bench/longrun/paperScaleRun'
import { scriptedLauncher } from '../../../bench/longrun/scriptedTrainer'

type Handler = (event: unknown, params: unknown) => Promise<IpcReply>

/** What crosses a MessagePort (the structured clone Electron's IPC uses), with an optional transfer list. */
function across(value: unknown, transfer: ArrayBuffer[] = []): Promise<unknown> {
  const { port1, port2 }: { port1: MessagePort; port2: MessagePort } = new MessageChannel()
  return new Promise((resolve) => {
    port2.once('message', (received: unknown) => {
      port1.close()
      resolve(received)
    })
    port1.postMessage(value, transfer)
  })
}

describe('packed snapshots over the Electron IPC bridge', () => {
  let dir: string
  let host: Host
  let runId: RunId
  const handlers = new Map<string, Handler>()
  const appUrl = 'app://workbench/index.html'

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chase-ipc-'))
    host = createHost({
      paths: { dbPath: join(dir, 'workbench.db'), dataDir: dir },
      launcher: scriptedLauncher(() => ({ shape: scaledShape(0.0125, { snapshotEverySteps: 95 }) })),
      shell: 'electron',
    })
    runId = host.supervisor.create({ config: presetConfig('paper-vgg19-cifar100'), name: 'ipc' }).id
    await host.supervisor.waitFor(runId)
    const bridge = new IpcBridge(host, (url) => url.startsWith('app://workbench/'), silentLogger)
    bridge.register({ handle: (channel: string, fn: Handler) => handlers.set(channel, fn) } as never)
    bridge.attach({ id: 1, isDestroyed: () => false, send: () => undefined, once: () => undefined } as never)
  }, 120_000)
  afterAll(async () => {
    await host.close(1_000)
    rmSync(dir, { recursive: true, force: true })
  })

  const call = (method: string, params: unknown) =>
    handlers.get(ipcCallChannel(method))!({ sender: { id: 1 }, senderFrame: { url: appUrl } }, params)

  it('answers with typed arrays, not base64, each owning its buffer, and they survive the clone', async () => {
    const reply = await call('runs.packedSnapshots', { runId, encoding: 'u16' })
    expect(reply.ok).toBe(true)
    const result = (reply as { result: { snapshots: { layers: Record<string, unknown>[] }[] } }).result
    expect(result.snapshots.length).toBeGreaterThan(5)
    for (const snapshot of result.snapshots) {
      for (const layer of snapshot.layers) {
        for (const array of [layer.density, layer.umm, layer.alive] as ArrayBufferView[]) {
          expect(typeof array).not.toBe('string')
          expect(array.byteOffset).toBe(0)
          expect(array.byteLength).toBe(array.buffer.byteLength)
        }
      }
    }
    // The renderer's side: what the preload hands over, checked by the same client as every transport.
    const received = (await across(reply)) as IpcReply
    const client = createWorkbenchClient(
      createPreloadTransport({
        request: async () => (received.ok ? received.result : Promise.reject(new Error('failed'))),
        onEvent: () => () => undefined,
      }),
    )
    const packed = await client.call('runs.packedSnapshots', { runId, encoding: 'u16' })
    expect(packed.snapshots[0]!.layers[0]!.umm).toBeInstanceOf(Uint16Array)
    const stored = host.store.series.layerSnapshots(runId)
    expect(packed.snapshots.map((s) => s.step)).toEqual(stored.map((s) => s.step))
    const last = unpackSnapshot(packed.snapshots.at(-1)!)
    const exact = stored.at(-1)!
    last.layers.forEach((layer, l) => {
      expect(Array.from(layer.alive)).toEqual(exact.layers[l]!.alive)
      Array.from(layer.density).forEach((v, c) =>
        expect(Math.abs(v - exact.layers[l]!.density[c]!)).toBeLessThan(1e-4),
      )
    })
  })

  it('moves the bytes when a transfer list is given: the sender keeps detached buffers', async () => {
    const pool = new Uint8Array(64)
    const view = new Float32Array(pool.buffer, 8, 4).fill(0.5)
    const { reply, transfer } = withOwnBuffers({ a: view, b: [Uint16Array.from([1, 2])], c: 'text' })
    // A view on a bigger buffer was copied down to its own bytes; the original is untouched.
    expect(reply.a.buffer.byteLength).toBe(16)
    expect(transfer).toHaveLength(2)
    const received = (await across(reply, transfer)) as typeof reply
    expect(Array.from(received.a)).toEqual([0.5, 0.5, 0.5, 0.5])
    expect(Array.from(received.b[0]!)).toEqual([1, 2])
    expect(received.c).toBe('text')
    expect(reply.a.byteLength).toBe(0)
    expect(pool.byteLength).toBe(64)
  })
})
