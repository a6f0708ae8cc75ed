import * as tf from '@tensorflow/tfjs-core'
import { version_cpu } from '@tensorflow/tfjs-backend-cpu'
import { version_wasm, type BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { availableParallelism } from 'node:os'
import type { BackendSurvey, BackendDescription } from '../../shared/backends/backendSurvey'
import {
  installHint,
  loadNativeBackend,
  nativePackages,
  nodePackageLoader,
  probeNativePackage,
  type NativeBackendName,
  type PackageLoader,
} from './nativeBackend'
import { backendPackages } from '../../shared/backends/backendNames'
import { backendPreference } from './pickBackend'
import { simdKernelProblem, simdKernelsFor } from './wasm/simdKernels'
import { startWasmBackend } from './wasmBackend'
import { adapterRecord, vulkanHint } from './webgpu/dawn'
import { version_webgpu } from './webgpu/version'
import {
  chooseAdapter,
  dawnAdapters,
  startWebgpuBackend,
  stopWebgpuBackend,
  type AdapterSource,
} from './webgpuBackend'

/**
 * Every backend, available or why not, by actually starting it: the native packages are loaded (only
 * the first installed one, as a process can hold one libtensorflow), wasm is started with the thread
 * count a run would ask for. Leaves tfjs on `cpu`; meant for a short-lived probing process.
 */
export async function describeBackends(
  options: { threads?: number; packages?: PackageLoader; adapters?: AdapterSource } = {},
): Promise<BackendSurvey> {
  const loader = options.packages ?? nodePackageLoader
  const backends: BackendDescription[] = []
  let nativeLoaded = false
  for (const name of ['tensorflow-gpu', 'tensorflow'] as const) {
    backends.push(await describeNative(name, loader, nativeLoaded))
    nativeLoaded ||=
      probeNativePackage(name, loader).installed && probeNativePackage(name, loader).problem === undefined
  }
  backends.push(await describeWebgpu(options.adapters ?? dawnAdapters))
  backends.push(await describeWasm(options.threads))
  backends.push(await describeCpu())
  backends.sort((a, b) => backendPreference.indexOf(a.name) - backendPreference.indexOf(b.name))
  const autoPick = backendPreference.find((name) => backends.find((b) => b.name === name)?.available) ?? null
  return { backends, autoPick }
}

async function describeNative(
  name: NativeBackendName,
  loader: PackageLoader,
  anotherLoaded: boolean,
): Promise<BackendDescription> {
  const base = { name, package: nativePackages[name], threads: null, simd: null, notes: [] as string[] }
  const probe = probeNativePackage(name, loader)
  if (!probe.installed)
    return { ...base, available: false, version: null, reason: `${probe.problem}; ${installHint(name)}` }
  if (probe.problem !== undefined)
    return { ...base, available: false, version: probe.version ?? null, reason: probe.problem }
  if (anotherLoaded) {
    return {
      ...base,
      available: false,
      version: probe.version ?? null,
      reason:
        'installed, not started: the other TensorFlow package is loaded in this process and only one can be',
    }
  }
  const load = await loadNativeBackend(name, loader)
  if (!load.ok) return { ...base, available: false, version: load.version ?? null, reason: load.reason }
  const cores = availableParallelism()
  if (name === 'tensorflow-gpu' && !load.usingGpu) {
    return {
      ...base,
      available: false,
      version: load.version,
      reason: 'loaded, but TensorFlow sees no CUDA GPU (it needs CUDA 11.2 and cuDNN 8.1)',
      notes: ['its TensorFlow still runs on the CPU: `auto` uses it as the tensorflow backend'],
    }
  }
  return {
    ...base,
    available: true,
    version: load.version,
    threads: cores,
    simd: true,
    notes: load.usingGpu ? ['on a CUDA GPU'] : [],
  }
}

/**
 * Every WebGPU adapter, and whether `auto` takes one: a hardware adapter is started for real; a software
 * one is started too (as `system.backend=webgpu` would), to say whether forcing it works.
 */
async function describeWebgpu(source: AdapterSource): Promise<BackendDescription> {
  const base = {
    name: 'webgpu' as const,
    package: `${backendPackages.webgpu} on Dawn (npm webgpu)`,
    version: version_webgpu,
    threads: null,
    simd: null,
  }
  let handles
  try {
    handles = await source()
  } catch (error) {
    return {
      ...base,
      available: false,
      reason: `Dawn did not load: ${message(error)}`,
      notes: [],
      adapters: [],
    }
  }
  const adapters = handles.map(adapterRecord)
  const choice = chooseAdapter(handles, false)
  const notes: string[] = []
  const hint = vulkanHint(adapters.filter((a) => !a.software).length)
  if (hint !== null && adapters.length > 0) notes.push(`for a GPU: ${hint}`)
  let available = choice.ok
  let reason: string | undefined = choice.ok ? undefined : choice.reason
  if (adapters.length > 0) {
    try {
      const setup = await startWebgpuBackend({ allowSoftware: true, adapters: source })
      if (setup.adapter.software)
        notes.push('starts on the software adapter when forced (system.backend=webgpu)')
    } catch (error) {
      available = false
      reason = `the backend did not start: ${message(error)}`
    } finally {
      stopWebgpuBackend()
    }
  }
  return {
    ...base,
    available,
    ...(reason === undefined ? {} : { reason }),
    notes,
    adapters,
    autoAdapter: choice.ok ? adapterRecord(choice.adapter) : null,
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

async function describeWasm(threads: number | undefined): Promise<BackendDescription> {
  const base = { name: 'wasm' as const, package: backendPackages.wasm, version: version_wasm }
  try {
    const setup = await startWasmBackend(threads)
    return {
      ...base,
      available: true,
      threads: setup.threads,
      simd: setup.simd,
      notes: [...(setup.threadsNote ? [setup.threadsNote] : []), convolutionNote()],
    }
  } catch (error) {
    return {
      ...base,
      available: false,
      reason: error instanceof Error ? error.message : String(error),
      threads: null,
      simd: null,
      notes: [],
    }
  }
}

/** Which code runs the wasm backend's convolutions (just started, so it is the active backend). */
function convolutionNote(): string {
  const backend = tf.backend() as BackendWasm
  const kernels = simdKernelsFor(backend)
  if (kernels === null)
    return `convolutions: XNNPACK (${simdKernelProblem(backend) ?? 'our SIMD kernels are off'})`
  const fused = kernels.fused ? ', relaxed-SIMD multiply-add' : ''
  return `convolutions: our SIMD matrix products on ${kernels.threads.count} thread(s)${fused}`
}

async function describeCpu(): Promise<BackendDescription> {
  const ok = await tf.setBackend('cpu')
  return {
    name: 'cpu',
    package: backendPackages.cpu,
    version: version_cpu,
    available: ok,
    ...(ok ? {} : { reason: 'the cpu backend did not initialise' }),
    threads: 1,
    simd: false,
    notes: ['plain JavaScript: correct everywhere, far too slow to train convolutions'],
  }
}
