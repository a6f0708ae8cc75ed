import * as tf from '@tensorflow/tfjs-core'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { Rng } from '../../../../src/shared/rng'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { pickBackend } from '../../../../src/trainer/backend/pickBackend'
import { simdKernelsFor } from '../../../../src/trainer/backend/wasm/simdKernels'
import { maxWasmThreads, wasmThreadsFor } from '../../../../src/trainer/backend/wasmBackend'
import { parity, parityTolerance, randomValues, runKernel } from './parity'

describe('how many wasm threads to ask for', () => {
  it('defaults to the cores this process may use, within the 8 the wasm build allows', () => {
    expect(wasmThreadsFor(undefined)).toBe(Math.min(maxWasmThreads, availableParallelism()))
    expect(wasmThreadsFor(1)).toBe(1)
    expect(wasmThreadsFor(3)).toBe(3)
    expect(wasmThreadsFor(64)).toBe(8)
  })
})

describe('multithreaded wasm in Node', () => {
  it('starts the threaded build with the threads asked for, and computes what cpu computes', async () => {
    const exceptionHandlers = process.listeners('uncaughtException').length
    const report = await pickBackend('wasm', { threads: 2 })
    expect(report).toMatchObject({ name: 'wasm', threads: 2, simd: true, skipped: [] })
    // Emscripten's rethrowing process handlers are gone once the module is up.
    expect(process.listeners('uncaughtException').length).toBe(exceptionHandlers)
    // Our SIMD kernels bind to the threaded build's shared memory too.
    // ...and split their matrix products over as many threads of their own.
    expect(simdKernelsFor(tf.backend() as BackendWasm)?.threads.count).toBe(2)

    const rng = Rng.fromSeed(3)
    const x = randomValues(rng, 8 * 16 * 16 * 16)
    const w = randomValues(rng, 3 * 3 * 16 * 32)
    const dy = randomValues(rng, 8 * 8 * 8 * 32)
    const shapes = { x: [8, 16, 16, 16], w: [3, 3, 16, 32], dy: [8, 8, 8, 32] } as const
    const attrs = { strides: 2, pad: 1, dataFormat: 'NHWC' }
    expect(
      await parity(() => tf.conv2d(tf.tensor4d(x, [...shapes.x]), tf.tensor4d(w, [...shapes.w]), 2, 1)),
    ).toBeLessThan(parityTolerance)
    expect(
      await parity(() =>
        runKernel(
          'Conv2DBackpropFilter',
          { x: tf.tensor(x, [...shapes.x]), dy: tf.tensor(dy, [...shapes.dy]) },
          { ...attrs, filterShape: shapes.w },
        ),
      ),
    ).toBeLessThan(parityTolerance)
    // One panel (1×1, four channels): a single share, on the calling thread.
    expect(
      await parity(() =>
        runKernel(
          'Conv2DBackpropFilter',
          {
            x: tf.tensor(x.slice(0, 8 * 16 * 16 * 4), [8, 16, 16, 4]),
            dy: tf.tensor(dy.slice(0, 8 * 8 * 8 * 8), [8, 8, 8, 8]),
          },
          { ...attrs, pad: 0, filterShape: [1, 1, 4, 8] },
        ),
      ),
    ).toBeLessThan(parityTolerance)
    expect(
      await parity(() =>
        runKernel(
          'Conv2DBackpropInput',
          { dy: tf.tensor(dy, [...shapes.dy]), filter: tf.tensor(w, [...shapes.w]) },
          { ...attrs, inputShape: shapes.x },
        ),
      ),
    ).toBeLessThan(parityTolerance)
  })

  it('keeps the running backend, and its tensors, when asked for it again', async () => {
    const first = await pickBackend('wasm', { threads: 2 })
    const kept = tf.tensor([1, 2, 3])
    expect(await pickBackend('wasm', { threads: 2 })).toBe(first)
    expect(Array.from(kept.dataSync())).toEqual([1, 2, 3])
    kept.dispose()
  })

  it('switches back to one thread when asked again', async () => {
    expect(await pickBackend('wasm', { threads: 1 })).toMatchObject({ name: 'wasm', threads: 1 })
    // Our kernels follow: the single-threaded build's memory is not shared, so they run on one thread.
    expect(simdKernelsFor(tf.backend() as BackendWasm)?.threads.count).toBe(1)
    expect(Array.from(tf.add(tf.tensor([1, 2]), 1).dataSync())).toEqual([2, 3])
  })

  it('runs single-threaded, and says why, where SharedArrayBuffer is missing', async () => {
    const shared = globalThis.SharedArrayBuffer
    Reflect.deleteProperty(globalThis, 'SharedArrayBuffer')
    try {
      expect(await pickBackend('wasm', { threads: 2 })).toMatchObject({
        name: 'wasm',
        threads: 1,
        skipped: ['wasm threads: SharedArrayBuffer is not available; running single-threaded'],
      })
    } finally {
      globalThis.SharedArrayBuffer = shared
    }
  })
})

describe('a process that used multithreaded wasm', () => {
  it('exits on its own once its work is done (neither pool holds it open)', () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
    const script = fileURLToPath(new URL('./fixtures/threadedWasmRun.ts', import.meta.url))
    const run = spawnSync(process.execPath, ['--import', tsx, script], { encoding: 'utf8', timeout: 60_000 })
    expect(run.error).toBeUndefined()
    expect(run.status).toBe(0)
    // 2 images × 6×6 outputs × 8 channels, each a sum of 3·3·4 ones.
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual({ threads: 2, sum: 2 * 36 * 8 * 36 })
  })
})
