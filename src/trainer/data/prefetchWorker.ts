import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import { fillBatch } from './augment'
import type { ImageSet } from './imageSet'
import type { BatchPlan } from './batchPlanner'

/**
 * A worker thread that writes the pixels of planned batches (crop, flip, normalise) while the main
 * thread runs the training step. Requests are answered in order on a private channel that the main
 * thread reads synchronously (`receiveMessageOnPort`), so a finished batch is available the moment the
 * step returns, even when the step never yielded to the event loop. The source images are shared
 * (SharedArrayBuffer), never copied; each result's buffer is transferred back.
 *
 * The worker runs `fillBatch` from its source text, so it needs no file of its own on disk (the trainer
 * runs from TypeScript sources under tsx and from a bundle in Electron alike).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const fillBatch = (${fillBatch.toString()})
const { port, images, table, height, width, channels } = workerData
port.on('message', (r) => {
  try {
    const started = performance.now()
    const out = new Float32Array(r.sourceIndices.length * height * width * channels)
    fillBatch(out, images, table, height, width, channels, r.sourceIndices, r.offsetsY, r.offsetsX, r.flips, r.padding, r.reflect)
    port.postMessage({ id: r.id, images: out, prepareMs: performance.now() - started }, [out.buffer])
  } catch (error) {
    port.postMessage({ id: r.id, error: String((error && error.stack) || error) })
  }
  parentPort.postMessage(r.id)
})
`

interface WorkerReply {
  readonly id: number
  readonly images?: Float32Array
  readonly prepareMs?: number
  readonly error?: string
}

export interface PreparedPixels {
  readonly images: Float32Array
  readonly prepareMs: number
}

export class PrefetchWorker {
  private readonly worker: Worker
  private readonly port: MessagePort
  private readonly results = new Map<number, WorkerReply>()
  private waiters: { id: number; resolve: (r: PreparedPixels) => void; reject: (e: Error) => void }[] = []
  private failure: Error | null = null
  /** Replies with an id below this belong to batches discarded by a restore. */
  private staleBelow = 0

  constructor(
    set: ImageSet,
    table: Float32Array,
    private readonly padding: number,
    private readonly reflect: boolean,
  ) {
    const [height, width, channels] = set.shape
    const { port1, port2 } = new MessageChannel()
    this.port = port1
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      name: 'chase-batch-prefetch',
      workerData: { port: port2, images: set.images, table, height, width, channels },
      transferList: [port2],
    })
    this.worker.on('message', () => this.wake())
    this.worker.on('error', (error) =>
      this.fail(new Error(`the batch prefetch worker crashed: ${error.message}`)),
    )
    this.worker.on('exit', (code) => this.fail(new Error(`the batch prefetch worker exited (code ${code})`)))
    this.worker.unref()
  }

  /** Why the worker cannot serve batches any more, or null while it can. */
  get failed(): Error | null {
    return this.failure
  }

  submit(id: number, plan: BatchPlan): void {
    const { sourceIndices, draws } = plan
    this.port.postMessage({
      id,
      sourceIndices,
      offsetsY: draws.offsetsY,
      offsetsX: draws.offsetsX,
      flips: draws.flips,
      padding: this.padding,
      reflect: this.reflect,
    })
  }

  /** The batch's pixels if the worker has finished them, without waiting. */
  take(id: number): PreparedPixels | undefined {
    this.drain()
    return this.claim(id)
  }

  /** The batch's pixels, waiting for the worker if needed. */
  wait(id: number): Promise<PreparedPixels> {
    const ready = this.take(id)
    if (ready !== undefined) return Promise.resolve(ready)
    if (this.failure !== null) return Promise.reject(this.failure)
    // Keep the process alive only while someone waits for a batch.
    this.worker.ref()
    return new Promise((resolve, reject) => this.waiters.push({ id, resolve, reject }))
  }

  /** Forget every batch submitted so far (the stream was restored to another position). */
  discardPending(nextId: number): void {
    this.staleBelow = nextId
    this.drain()
    for (const id of this.results.keys()) if (id < nextId) this.results.delete(id)
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the batch stream is closed')
    this.port.close()
    // An unref'd worker's exit does not hold the event loop: awaiting it could leave a process with
    // nothing else to do (an in-process run) exiting with the promise unsettled.
    this.worker.ref()
    await this.worker.terminate()
  }

  private drain(): void {
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      const reply = m.message as WorkerReply
      if (reply.id >= this.staleBelow) this.results.set(reply.id, reply)
    }
  }

  private claim(id: number): PreparedPixels | undefined {
    const reply = this.results.get(id)
    if (reply === undefined) return undefined
    this.results.delete(id)
    if (reply.error !== undefined) throw new Error(`the batch prefetch worker failed: ${reply.error}`)
    return { images: reply.images!, prepareMs: reply.prepareMs! }
  }

  private wake(): void {
    this.drain()
    const still: typeof this.waiters = []
    for (const waiter of this.waiters) {
      try {
        const ready = this.claim(waiter.id)
        if (ready === undefined) still.push(waiter)
        else waiter.resolve(ready)
      } catch (error) {
        waiter.reject(error as Error)
      }
    }
    this.waiters = still
    // Once closing, stay referenced until the worker has exited (see `close`).
    if (still.length === 0 && this.failure === null) this.worker.unref()
  }

  private fail(error: Error): void {
    this.failure ??= error
    for (const waiter of this.waiters) waiter.reject(this.failure)
    this.waiters = []
  }
}
