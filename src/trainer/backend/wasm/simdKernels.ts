import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { poolThreads, wasmMemoryOf } from './wasmInternals'
import { startKernelThreads, type KernelThreads } from './kernelThreads'
import {
  argumentList,
  assembleModule,
  defineFunction,
  f32x4RelaxedMadd,
  get,
  v128Zero,
  type ArgumentsOf,
  type WasmFunction,
} from './simd/assembler'
import {
  channelSquaredDeviations,
  channelSums,
  gradientSums,
  inputGradient,
  normalize,
} from './simd/batchNorm'
import { convolutionPanels } from './simd/convolutionPanels'
import { filterGradientPanels } from './simd/filterGradientPanels'
import { im2colTransposed } from './simd/im2colTransposed'
import { maxPoolGrad2x2 } from './simd/maxPoolGrad2x2'
import { sgdUpdate } from './simd/sgdUpdate'
import { transposeBlocks } from './simd/transposeBlocks'

/**
 * Kernels of our own in WebAssembly, run on tfjs' wasm heap, four floats per instruction: the matrix
 * products of convolutions and their filter gradients (split over our own threads, `kernelThreads.ts`;
 * `bench/kernels.ts` times them against XNNPACK, which also packs dy on one thread per filter gradient), the 2×2
 * max-pool gradient, training-mode batch normalisation, the SGD step, 4×4 register transposes
 * (channels-first padding, phase filters) and the im2col rows of the XNNPACK filter-gradient paths.
 * The module is about 6 kB, assembled by `simd/assembler.ts` (no toolchain needed) and instantiated
 * against the backend's own memory, so it reads and writes tensors in place at their heap offsets.
 */
export interface SimdKernels {
  /** Threads our kernels can split work over (see `kernelThreads.ts`), as many as the backend's. */
  readonly threads: KernelThreads
  /** Whether the matrix-product kernels use relaxed SIMD's fused multiply-add. */
  readonly fused: boolean
  /**
   * Runs one function on this thread. Arguments go by name, checked against the function's own
   * parameter list (its `defineFunction` in `simd/`), and are put in that order here: a swapped,
   * misspelt or missing argument fails the typecheck instead of corrupting the heap.
   */
  call<K extends KernelName>(name: K, args: KernelArguments<K>): void
  /** Runs one function once per share, split over `threads`, each share's arguments by name. */
  callShares<K extends KernelName>(name: K, shares: readonly KernelArguments<K>[]): void
}

const functionsWith = (fused: boolean) => ({
  convolutionPanels: convolutionPanels(fused),
  filterGradientPanels: filterGradientPanels(fused),
  maxPoolGrad2x2,
  im2colTransposed,
  channelSums,
  channelSquaredDeviations,
  normalize,
  gradientSums,
  inputGradient,
  transposeBlocks,
  sgdUpdate,
})
type KernelFunctions = ReturnType<typeof functionsWith>
export type KernelName = keyof KernelFunctions
/** A function's named arguments: byte offsets, sizes and counts as its definition documents them. */
export type KernelArguments<K extends KernelName> = ArgumentsOf<KernelFunctions[K]>

/** The module our kernels are assembled into; tests compile it to see the validator's verdict. */
export function assembleKernelModule(options: { fused: boolean; sharedMemory: boolean }): Uint8Array {
  return assembleModule(Object.values(functionsWith(options.fused)), options.sharedMemory)
}

let kernelsByBackend = new WeakMap<BackendWasm, SimdKernels | null>()

/** How the kernels are built; given by `registerWasmTrainingKernels`' options, not flipped by callers. */
export interface SimdKernelSettings {
  /** False sends every caller to its JavaScript fallback. */
  readonly enabled: boolean
  /** False builds the kernels with mul + add even where relaxed SIMD validates. */
  readonly relaxedSimd: boolean
}

let settings: SimdKernelSettings = { enabled: true, relaxedSimd: true }

/** Called at registration: kernels bound under other settings are closed and rebuilt on next use. */
export function configureSimdKernels(next: SimdKernelSettings): void {
  if (next.enabled === settings.enabled && next.relaxedSimd === settings.relaxedSimd) return
  settings = next
  kernelsByBackend = new WeakMap()
  current?.threads.close()
  current = null
}

/** The kernels bound to this backend's memory, or null where that memory cannot be reached. */
export function simdKernelsFor(backend: BackendWasm): SimdKernels | null {
  if (!settings.enabled) return null
  if (!kernelsByBackend.has(backend)) kernelsByBackend.set(backend, instantiate(backend))
  return kernelsByBackend.get(backend)!
}

/** The calls we make; the trainer's lib (ES2023, no DOM) has no WebAssembly types. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly

function instantiate(backend: BackendWasm): SimdKernels | null {
  const previous = current
  current = null
  previous?.threads.close()
  const memory = wasmMemoryOf(backend)
  if (memory === null) {
    problems.set(backend, 'the SIMD kernels could not reach the wasm memory')
    return null
  }
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer
  const fused = settings.relaxedSimd && relaxedSimdSupported()
  const functions = functionsWith(fused)
  let module: object
  try {
    module = new webAssembly.Module(assembleModule(Object.values(functions), shared))
  } catch (error) {
    // Our assembler wrote an invalid module: training falls back to tfjs' kernels, and doctor and the
    // kernel-module test say why.
    problems.set(backend, `our SIMD kernel module failed validation: ${messageOf(error)}`)
    return null
  }
  let exports: Record<string, unknown>
  try {
    exports = new webAssembly.Instance(module, { env: { memory } }).exports
  } catch (error) {
    problems.set(backend, `our SIMD kernel module did not instantiate: ${messageOf(error)}`)
    return null
  }
  const names = Object.keys(functions)
  const threads = startKernelThreads(module, memory, exports, names, shared ? poolThreads() : 1)
  const ordered = <K extends KernelName>(name: K, args: KernelArguments<K>): number[] =>
    argumentList(functions[name] as WasmFunction<string>, args as Record<string, number>)
  current = {
    threads,
    fused,
    call(name, args) {
      ;(exports[name] as (...args: number[]) => void)(...ordered(name, args))
    },
    callShares(name, shares) {
      threads.run(
        name,
        shares.map((share) => ordered(name, share)),
      )
    },
  }
  return current
}

const problems = new WeakMap<BackendWasm, string>()

/** Why `simdKernelsFor(backend)` is null (unreachable memory, a module that fails validation), or null. */
export function simdKernelProblem(backend: BackendWasm): string | null {
  return problems.get(backend) ?? null
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** The kernels of the latest backend: their helper threads are closed when another backend starts. */
let current: SimdKernels | null = null

/**
 * Whether this engine validates relaxed SIMD (a one-instruction probe module). V8 ships it on from 11.4,
 * so every supported runtime (Node 22+, Electron 25+) has it without a flag; the probe stays for engines
 * built without it.
 */
export function relaxedSimdSupported(): boolean {
  return compiles(relaxedProbe)
}

const probe = defineFunction('probe', { parameters: [], i32: [], v128: ['v'] }, (l) => [
  ...v128Zero,
  ...v128Zero,
  ...get(l.v),
  ...f32x4RelaxedMadd,
  0x1a, // drop
])
const relaxedProbe = assembleModule([probe], false)

function compiles(bytes: Uint8Array): boolean {
  try {
    new webAssembly.Module(bytes)
    return true
  } catch {
    return false
  }
}
