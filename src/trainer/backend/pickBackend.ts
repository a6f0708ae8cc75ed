import * as tf from '@tensorflow/tfjs-core'
import { version_cpu } from '@tensorflow/tfjs-backend-cpu'
import { availableParallelism } from 'node:os'
import { version_wasm } from '@tensorflow/tfjs-backend-wasm'
import { backendNames, type BackendChoice, type BackendName } from '../../shared/backends/backendNames'
import { BackendReport } from '../../shared/protocol/trainerMessages'
import {
  installHint,
  loadedNativePackage,
  loadNativeBackend,
  nativePackages,
  nodePackageLoader,
  type NativeBackendName,
  type PackageLoader,
} from './nativeBackend'
import { startWasmBackend, wasmThreadsFor } from './wasmBackend'
import { startWebgpuBackend, type AdapterSource } from './webgpuBackend'
import { takeGpuFaults } from './webgpu/gpuFaults'
import { version_webgpu } from './webgpu/version'

/** Fastest first: what `auto` tries, in order (architecture.md, "Backends"). */
export const backendPreference: readonly BackendName[] = backendNames

export interface BackendOptions {
  /** Worker threads for wasm (default: every core, at most 8). Ignored by the other backends. */
  threads?: number
  /** How the optional native packages are found; tests pass fakes. */
  packages?: PackageLoader
  /** Where WebGPU adapters come from (default: Dawn's); tests pass a machine without any. */
  adapters?: AdapterSource
}

/** A forced backend that cannot run here: the run fails at start with this message. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError'
  constructor(
    readonly backend: BackendName,
    message: string,
  ) {
    super(message)
  }
}

type Attempt =
  { ok: true; report: Omit<BackendReport, 'skipped'>; notes?: string[] } | { ok: false; reason: string }

/**
 * Initialises tfjs on the chosen backend and says what runs. `auto` walks `backendPreference` and
 * records why each better one was skipped; a forced backend that is missing throws a
 * `BackendUnavailableError` saying what is missing and how to get it. Every later
 * `import * as tf from '@tensorflow/tfjs-core'` computes on the backend picked here. Asking again with
 * the same choice and threads returns the running backend; other wasm threads restart wasm, which
 * discards the tensors held on it.
 */
export async function pickBackend(
  choice: BackendChoice,
  options: BackendOptions = {},
): Promise<BackendReport> {
  // Asking again for what runs keeps it (and every tensor on it): a new wasm instance would drop them.
  const key = `${choice}|${wasmThreadsFor(options.threads)}`
  if (
    lastPick !== null &&
    lastPick.key === key &&
    lastPick.packages === options.packages &&
    lastPick.adapters === options.adapters
  ) {
    const engineName = lastPick.report.name === 'tensorflow-gpu' ? 'tensorflow' : lastPick.report.name
    if (tf.findBackend(engineName) !== null && (await tf.setBackend(engineName))) return lastPick.report
  }
  const report = await startBackend(choice, options)
  lastPick = { key, packages: options.packages, adapters: options.adapters, report }
  return report
}

let lastPick: {
  key: string
  packages: PackageLoader | undefined
  adapters: AdapterSource | undefined
  report: BackendReport
} | null = null

async function startBackend(choice: BackendChoice, options: BackendOptions): Promise<BackendReport> {
  const candidates = choice === 'auto' ? backendPreference : [choice]
  const skipped: string[] = []
  for (const name of candidates) {
    const attempt = await tryBackend(name, options, choice !== 'auto')
    if (attempt.ok)
      return BackendReport.parse({ ...attempt.report, skipped: [...skipped, ...(attempt.notes ?? [])] })
    if (choice !== 'auto') throw new BackendUnavailableError(name, unavailableMessage(name, attempt.reason))
    skipped.push(`${name}: ${attempt.reason}`)
  }
  // cpu always starts; reaching this means tfjs itself is broken.
  throw new BackendUnavailableError('cpu', `no backend could start (${skipped.join('; ')})`)
}

/**
 * Throws when the backend reported an error of its own since the last check (a GPU that rejected a
 * shader computes garbage without failing the op): the run stops instead of training on it.
 */
export function checkBackendHealth(): void {
  const faults = takeGpuFaults()
  if (faults.length === 0) return
  throw new Error(
    `The GPU reported ${faults.length === 1 ? 'an error' : `${faults.length} errors`} while computing, so the ` +
      `results since the last step cannot be trusted: ${faults[0]}. The run stopped; resume it on another ` +
      'backend (system.backend=wasm) and report the error with the output of `chase-workbench doctor`.',
  )
}

/** The trainer's entry point: same as `pickBackend`, named for what callers do with it. */
export const initBackend = pickBackend

function unavailableMessage(name: BackendName, reason: string): string {
  const hint = name === 'tensorflow-gpu' || name === 'tensorflow' ? `; ${installHint(name)}` : ''
  return `The "${name}" backend is not available: ${reason}${hint}. Choose another in the config (system.backend), or "auto".`
}

async function tryBackend(name: BackendName, options: BackendOptions, forced: boolean): Promise<Attempt> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return tryNative(name, options.packages ?? nodePackageLoader)
    case 'webgpu':
      return tryWebgpu(forced, options.adapters)
    case 'wasm':
      return tryWasm(options.threads)
    case 'cpu':
      return tryCpu()
  }
}

async function tryNative(name: NativeBackendName, loader: PackageLoader): Promise<Attempt> {
  const gpuPackage = loadedNativePackage(loader)
  // A GPU package without a CUDA device already runs TensorFlow on the CPU: that is `tensorflow`.
  if (
    name === 'tensorflow' &&
    gpuPackage?.packageName === nativePackages['tensorflow-gpu'] &&
    !gpuPackage.usingGpu
  ) {
    if (!(await tf.setBackend('tensorflow')))
      return { ok: false, reason: 'the tensorflow backend did not initialise' }
    return {
      ok: true,
      report: nativeReport('tensorflow', gpuPackage.version),
      notes: [`tensorflow: runs on the CPU through ${gpuPackage.packageName}`],
    }
  }
  const load = await loadNativeBackend(name, loader)
  if (!load.ok) return { ok: false, reason: load.reason }
  if (name === 'tensorflow-gpu' && !load.usingGpu) {
    return {
      ok: false,
      reason: `${nativePackages[name]} ${load.version} loaded, but TensorFlow sees no CUDA GPU (it needs CUDA 11.2 and cuDNN 8.1)`,
    }
  }
  return { ok: true, report: nativeReport(name, load.version) }
}

function nativeReport(name: NativeBackendName, version: string): Omit<BackendReport, 'skipped'> {
  // TensorFlow sizes its own intra-op pool (all cores) and uses the CPU's vector units natively.
  return { name, version, threads: availableParallelism(), simd: true }
}

/** `auto` takes a hardware adapter only; forcing webgpu takes a software one too (for tests). */
async function tryWebgpu(forced: boolean, adapters: AdapterSource | undefined): Promise<Attempt> {
  try {
    const setup = await startWebgpuBackend({ allowSoftware: forced, ...(adapters ? { adapters } : {}) })
    return {
      ok: true,
      report: { name: 'webgpu', version: version_webgpu, threads: 1, simd: false, adapter: setup.adapter },
      notes: setup.notes,
    }
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) }
  }
}

async function tryWasm(threads: number | undefined): Promise<Attempt> {
  try {
    const setup = await startWasmBackend(threads)
    return {
      ok: true,
      report: { name: 'wasm', version: version_wasm, threads: setup.threads, simd: setup.simd },
      notes: setup.threadsNote ? [`wasm threads: ${setup.threadsNote}`] : [],
    }
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) }
  }
}

async function tryCpu(): Promise<Attempt> {
  if (!(await tf.setBackend('cpu'))) return { ok: false, reason: 'the cpu backend did not initialise' }
  return { ok: true, report: { name: 'cpu', version: version_cpu, threads: 1, simd: false } }
}
