import * as tf from '@tensorflow/tfjs-core'
import { BackendWasm, getThreadsCount, setThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { registerWasmTrainingKernels } from './wasm/registerTrainingKernels'

const requireFromHere = createRequire(import.meta.url)
const wasmOut = '@tensorflow/tfjs-backend-wasm/wasm-out'

/** tfjs-backend-wasm's threaded build pre-spawns 8 pthread workers and caps its pool there. */
export const maxWasmThreads = 8

export interface WasmSetup {
  threads: number
  simd: boolean
  /** Why fewer threads than asked for run, when that happened. */
  threadsNote?: string
}

/** Threads to ask for: the config's value, else every core the process may use, within 1…8. */
export function wasmThreadsFor(requested: number | undefined): number {
  return Math.max(1, Math.min(maxWasmThreads, Math.floor(requested ?? availableParallelism())))
}

export async function wasmSimdSupported(): Promise<boolean> {
  return Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))
}

/**
 * Starts tfjs' `wasm` backend with our training kernels, multithreaded when more than one thread is
 * asked for. tfjs turns threads off in Node (tfjs #3830) because its pthread workers start from a
 * `blob:` URL, which Node's worker_threads refuse (ERR_WORKER_PATH). We start the same threaded-SIMD
 * build ourselves and hand Emscripten real files instead: the worker script written once to a private
 * temp folder, and the module's own path as `mainScriptUrlOrBlob` (the worker `importScripts` it).
 * If that fails, the single-threaded SIMD build runs and `threadsNote` says why.
 */
export async function startWasmBackend(requestedThreads: number | undefined): Promise<WasmSetup> {
  registerWasmTrainingKernels()
  const simd = await wasmSimdSupported()
  const threads = wasmThreadsFor(requestedThreads)
  let threadsNote: string | undefined
  if (threads > 1) {
    const unsupported = !simd ? 'WebAssembly SIMD is not supported here' : missingThreadSupport()
    if (unsupported === null) {
      let failure: unknown = null
      useBackendFactory(() =>
        createThreadedBackend(threads).catch((error: unknown) => {
          failure = error
          throw error
        }),
      )
      if (await tf.setBackend('wasm')) {
        return { threads: getThreadsCount(), simd, ...optional('threadsNote', threadNote(threads)) }
      }
      const reason = failure === null ? 'it did not initialise' : message(failure)
      threadsNote = `multithreaded wasm failed to start (${reason}); running single-threaded`
    } else {
      threadsNote = `${unsupported}; running single-threaded`
    }
  }
  setThreadsCount(1)
  useBackendFactory(createSingleThreadBackend)
  await activate()
  return { threads: getThreadsCount(), simd, ...optional('threadsNote', threadsNote) }
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string }
}

function threadNote(requested: number): string | undefined {
  const actual = getThreadsCount()
  return actual < requested
    ? `asked for ${requested} threads, the wasm thread pool started ${actual}`
    : undefined
}

function missingThreadSupport(): string | null {
  if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is not available'
  return null
}

async function activate(): Promise<void> {
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise')
}

/** Replaces the `wasm` factory that importing tfjs-backend-wasm registered (disposing a running one). */
function useBackendFactory(factory: () => Promise<BackendWasm>): void {
  if (tf.findBackendFactory('wasm') !== null) tf.removeBackend('wasm')
  tf.registerBackend('wasm', factory, 2)
}

/** The factory importing tfjs-backend-wasm registered: in Node it loads the single-threaded SIMD build. */
const tfjsWasmFactory = tf.findBackendFactory('wasm') as () => Promise<BackendWasm>

function createSingleThreadBackend(): Promise<BackendWasm> {
  return withoutEmscriptenProcessHandlers(tfjsWasmFactory)
}

async function createThreadedBackend(threads: number): Promise<BackendWasm> {
  const moduleFactory = requireFromHere(`${wasmOut}/tfjs-backend-wasm-threaded-simd.js`) as ModuleFactory
  const mainScript = requireFromHere.resolve(`${wasmOut}/tfjs-backend-wasm-threaded-simd.js`)
  const binary = readFileSync(requireFromHere.resolve(`${wasmOut}/tfjs-backend-wasm-threaded-simd.wasm`))
  const workerScript = pthreadWorkerFile()
  let failInstantiation: (error: unknown) => void = () => {}
  const instantiationFailed = new Promise<never>((_, reject) => (failInstantiation = reject))
  const module = await withoutEmscriptenProcessHandlers(() =>
    Promise.race([
      moduleFactory({
        mainScriptUrlOrBlob: mainScript,
        locateFile: (path: string) => (path.endsWith('.worker.js') ? workerScript : path),
        instantiateWasm: (
          imports: { env: Record<string, unknown> },
          receive: (instance: object, module: object) => void,
        ) => {
          // The C++ side sizes its pool as min(threads, logical cores / 2) (it assumes hyper-threading);
          // report twice the threads we want so the count we set is the count we get.
          imports.env.emscripten_num_logical_cores = () => 2 * threads
          webAssembly
            .instantiate(binary, imports)
            .then((result) => receive(result.instance, result.module), failInstantiation)
          return {}
        },
      }),
      instantiationFailed,
    ]),
  )
  setThreadsCount(threads)
  const backend = new BackendWasm(withTfjsBindings(module))
  // Emscripten refs a worker while a pthread runs on it, and XNNPACK's pool threads run forever: a
  // process that trained would never exit on its own. They are helpers of the main thread; unref them.
  for (const worker of (module as { PThread?: { runningWorkers?: { unref(): void }[] } }).PThread
    ?.runningWorkers ?? []) {
    worker.unref()
  }
  return backend
}

/** The one WebAssembly call we make; the trainer's lib (ES2023, no DOM) has no WebAssembly types. */
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly
interface WebAssemblyApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object; module: object }>
}

type ModuleFactory = (config: Record<string, unknown>) => Promise<EmscriptenModuleLike>

interface EmscriptenModuleLike {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number
}

/** The `tfjs` namespace tfjs-backend-wasm's init adds to the module (backend_wasm.ts, `init`). */
function withTfjsBindings(module: EmscriptenModuleLike): ConstructorParameters<typeof BackendWasm>[0] {
  const tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  }
  return Object.assign(module, { tfjs }) as unknown as ConstructorParameters<typeof BackendWasm>[0]
}

/**
 * Emscripten's Node glue adds process handlers that rethrow every uncaught exception and rejection
 * from inside its minified source, which buries the real error under a screen of code. tfjs only
 * removes them on dispose; we remove them as soon as the module is up.
 */
async function withoutEmscriptenProcessHandlers<T>(start: () => Promise<T>): Promise<T> {
  const exceptionsBefore = new Set(process.listeners('uncaughtException'))
  const rejectionsBefore = new Set(process.listeners('unhandledRejection'))
  try {
    return await start()
  } finally {
    for (const listener of process.listeners('uncaughtException')) {
      if (!exceptionsBefore.has(listener)) process.removeListener('uncaughtException', listener)
    }
    for (const listener of process.listeners('unhandledRejection')) {
      if (!rejectionsBefore.has(listener)) process.removeListener('unhandledRejection', listener)
    }
  }
}

let workerFile: string | null = null

/**
 * The Emscripten pthread worker script as a real file. tfjs ships it as a string (to make a `blob:`
 * URL); Node's Worker needs a path to a CommonJS file. A private folder per process, removed at exit,
 * so no other user can swap the file.
 */
function pthreadWorkerFile(): string {
  if (workerFile !== null) return workerFile
  const { wasmWorkerContents } = requireFromHere(`${wasmOut}/tfjs-backend-wasm-threaded-simd.worker.js`) as {
    wasmWorkerContents: string
  }
  // tfjs escapes newlines the same way before making its blob: the string holds "\n" escapes as raw newlines.
  const source = wasmWorkerContents.replace(/\n/g, '\\n')
  const folder = mkdtempSync(join(tmpdir(), 'chase-workbench-wasm-'))
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12)
  const file = join(folder, `tfjs-backend-wasm-${version_wasm}-pthread-${hash}.cjs`)
  writeFileSync(file, source, { mode: 0o600 })
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }))
  workerFile = file
  return file
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
