import { Worker } from 'node:worker_threads'

/**
 * Threads for our own wasm kernels: worker threads that instantiate the same module over tfjs' shared
 * memory, so a kernel can split its work (each share writes its own part of the output). A call is a
 * few Int32 slots in shared memory and a futex wake, not a message: the caller blocks in Atomics.wait
 * until every share is done, as XNNPACK's pthreadpool does, so a kernel stays a synchronous function.
 *
 * Slots of each worker: 0 request generation (−1: exit), 1 finished generation, 2 function index,
 * 3 argument count, 4 error flag, 8… arguments (i32).
 */
export interface KernelThreads {
  /** Threads a call runs on, the caller's included. */
  readonly count: number
  /** Runs `name` once per argument list, the first on the calling thread; returns when all are done. */
  run(name: string, shares: readonly (readonly number[])[]): void
  close(): void
}

const slotCount = 64
const firstArgument = 8
/** A worker that has not started within this long is given up on (the kernels then run on one thread). */
const startTimeoutMs = 10_000

// CommonJS, run with `eval`: no worker file to locate in a bundle or an asar.
const workerSource = `
const { workerData } = require('node:worker_threads')
const { module, memory, control, names } = workerData
const slots = new Int32Array(control)
let exports
try {
  exports = new WebAssembly.Instance(module, { env: { memory } }).exports
  Atomics.store(slots, 1, 0)
} catch {
  Atomics.store(slots, 4, 1)
  Atomics.store(slots, 1, 0)
}
Atomics.notify(slots, 1)
let seen = 0
while (exports !== undefined) {
  Atomics.wait(slots, 0, seen)
  seen = Atomics.load(slots, 0)
  if (seen < 0) break
  try {
    exports[names[slots[2]]](...slots.subarray(${firstArgument}, ${firstArgument} + slots[3]))
  } catch {
    Atomics.store(slots, 4, 1)
  }
  Atomics.store(slots, 1, seen)
  Atomics.notify(slots, 1)
}
`

interface Helper {
  worker: Worker
  slots: Int32Array
  generation: number
}

/**
 * Starts `count − 1` helpers for `exports` (instances of `module` over `memory`). Helpers that fail to
 * start are left out: the pool then has fewer threads, down to the caller alone.
 */
export function startKernelThreads(
  module: object,
  memory: object,
  exports: Record<string, unknown>,
  names: readonly string[],
  count: number,
): KernelThreads {
  const helpers: Helper[] = []
  for (let t = 1; t < count; t++) {
    const control = new SharedArrayBuffer(slotCount * 4)
    const slots = new Int32Array(control)
    slots[1] = -1
    const worker = new Worker(workerSource, { eval: true, workerData: { module, memory, control, names } })
    // Helpers of the main thread, idle in Atomics.wait between calls: they must not keep a process alive.
    worker.unref()
    if (Atomics.wait(slots, 1, -1, startTimeoutMs) === 'timed-out' || slots[4] !== 0) {
      void worker.terminate()
      continue
    }
    helpers.push({ worker, slots, generation: 0 })
  }
  const indexOf = new Map(names.map((name, index) => [name, index]))
  return {
    // A getter: after `close` the caller runs alone.
    get count() {
      return helpers.length + 1
    },
    run(name, shares) {
      if (shares.length > helpers.length + 1)
        throw new Error(`${shares.length} shares for ${helpers.length + 1} kernel threads`)
      const own = exports[name] as (...args: readonly number[]) => void
      for (const [index, share] of shares.slice(1).entries()) {
        const helper = helpers[index]!
        const { slots } = helper
        slots[2] = indexOf.get(name)!
        slots[3] = share.length
        slots.set(share, firstArgument)
        Atomics.store(slots, 0, ++helper.generation)
        Atomics.notify(slots, 0)
      }
      let failure: unknown = null
      try {
        own(...shares[0]!)
      } catch (error) {
        failure = error
      }
      let helperFailed = false
      for (const helper of helpers.slice(0, shares.length - 1)) {
        const { slots, generation } = helper
        while (Atomics.load(slots, 1) !== generation) Atomics.wait(slots, 1, generation - 1)
        if (slots[4] !== 0) {
          helperFailed = true
          slots[4] = 0
        }
      }
      if (failure !== null) throw failure
      if (helperFailed) throw new Error(`the wasm kernel "${name}" failed on a helper thread`)
    },
    close() {
      for (const { worker, slots } of helpers.splice(0)) {
        Atomics.store(slots, 0, -1)
        Atomics.notify(slots, 0)
        void worker.terminate()
      }
    },
  }
}
