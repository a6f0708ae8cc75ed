import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm'
import { startKernelThreads, type KernelThreads } from './kernelThreads'
import { assembleModule, defineFunction, f32x4RelaxedMadd, get, v128Zero } from './simd/assembler'
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
 * faster than XNNPACK here, which also packs dy on one thread for every filter gradient), the 2×2
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
   * MaxPoolGrad of 2×2, stride-2, unpadded NHWC windows whose channel count is a multiple of 4. Byte
   * offsets and sizes: `outRows` = N·Ho, `rowBytes` = W·C·4. Writes every position a window covers,
   * as the `cpu` backend decides: dy to the first strict maximum (from −∞, so NaN never wins), 0 elsewhere.
   */
  maxPoolGrad2x2(
    x: number,
    dy: number,
    out: number,
    outRows: number,
    outWidth: number,
    channelBytes: number,
    rowBytes: number,
  ): void
  /**
   * Pᵀ (im2col, transposed) for the filter gradient, from x as [Ci, N, height, width] already padded:
   * row (a, b, c), column (img − first, i, j) = src[c, img, sh·i + a, sw·j + b], for images
   * [first, first + count). Byte offsets for `src` and `dst`, element counts for the rest.
   */
  im2colTransposed(
    src: number,
    dst: number,
    n: number,
    ci: number,
    height: number,
    width: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    ho: number,
    wo: number,
    first: number,
    count: number,
  ): void
  /**
   * For each of `count` blocks, the transpose of a rows × cols float matrix (row strides and block
   * steps in bytes, addresses byte offsets): dst[c][r] = src[r][c].
   */
  transposeBlocks(
    src: number,
    dst: number,
    rows: number,
    cols: number,
    srcRowBytes: number,
    dstRowBytes: number,
    count: number,
    srcStep: number,
    dstStep: number,
  ): void
  /** One SGD step of a parameter of `bytes` bytes (see `simd/sgdUpdate.ts`). */
  sgdUpdate(
    w: number,
    g: number,
    buffer: number,
    wOut: number,
    bufferOut: number,
    bytes: number,
    learningRate: number,
    momentum: number,
    weightDecay: number,
  ): void
  /** One thread's panels of a convolution (see `simd/convolutionPanels.ts`); run via `threads`. */
  convolutionPanels(...args: number[]): void
  /** One thread's panels of the filter gradient (see `simd/filterGradientPanels.ts`); run via `threads`. */
  filterGradientPanels(...args: number[]): void
  /** Batch-norm passes over [rows, C] activations; see `simd/batchNorm.ts` for each contract. */
  channelSums(x: number, bytes: number, channelBytes: number, acc: number): void
  channelSquaredDeviations(x: number, bytes: number, channelBytes: number, mean: number, acc: number): void
  normalize(x: number, bytes: number, channelBytes: number, params: number, out: number, relu: number): void
  gradientSums(
    dy: number,
    x: number,
    bytes: number,
    channelBytes: number,
    params: number,
    sums: number,
    relu: number,
  ): void
  inputGradient(
    dy: number,
    x: number,
    bytes: number,
    channelBytes: number,
    params: number,
    dx: number,
    relu: number,
  ): void
}

const functionsWith = (fused: boolean) => [
  convolutionPanels(fused),
  filterGradientPanels(fused),
  maxPoolGrad2x2,
  im2colTransposed,
  channelSums,
  channelSquaredDeviations,
  normalize,
  gradientSums,
  inputGradient,
  transposeBlocks,
  sgdUpdate,
]

const kernelsByBackend = new WeakMap<BackendWasm, SimdKernels | null>()

/** Off sends every caller to its JavaScript fallback (tests check those paths with it). */
export const simdKernelSwitch = { enabled: true }

/** The kernels bound to this backend's memory, or null where that memory cannot be reached. */
export function simdKernelsFor(backend: BackendWasm): SimdKernels | null {
  if (!simdKernelSwitch.enabled) return null
  if (!kernelsByBackend.has(backend)) kernelsByBackend.set(backend, instantiate(backend))
  return kernelsByBackend.get(backend)!
}

interface WasmMemoryLike {
  buffer: ArrayBufferLike
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
  const emscripten = backend.wasm as unknown as {
    wasmMemory?: WasmMemoryLike
    asm?: { memory?: WasmMemoryLike }
    HEAPU8: Uint8Array
  }
  // The threaded build keeps its shared memory in `wasmMemory`; the single-threaded one exports it.
  const memory = emscripten.wasmMemory ?? emscripten.asm?.memory
  if (memory === undefined || memory.buffer !== emscripten.HEAPU8.buffer) return null
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer
  try {
    const fused = relaxedSimdSupported()
    const functions = functionsWith(fused)
    const module = new webAssembly.Module(assembleModule(functions, shared))
    const { exports } = new webAssembly.Instance(module, { env: { memory } })
    const names = functions.map((f) => f.name)
    const threads = startKernelThreads(module, memory, exports, names, shared ? getThreadsCount() : 1)
    const kernels = Object.fromEntries(names.map((name) => [name, exports[name]]))
    current = { ...kernels, threads, fused } as unknown as SimdKernels
    return current
  } catch {
    return null
  }
}

/** The kernels of the latest backend: their helper threads are closed when another backend starts. */
let current: SimdKernels | null = null

/**
 * Whether this engine validates relaxed SIMD (a one-instruction probe module). V8 ships it on from 11.4,
 * so every supported runtime (Node 22+, Electron 25+) has it without a flag; the probe stays for engines
 * built without it.
 */
export function relaxedSimdSupported(): boolean {
  return relaxedSimdSwitch.enabled && compiles(relaxedProbe)
}

/** Off makes kernels instantiated from then on use mul + add (tests compare the two). */
export const relaxedSimdSwitch = { enabled: true }

const relaxedProbe = assembleModule(
  [
    defineFunction('probe', { parameters: [], i32: [], v128: ['v'] }, (l) => [
      ...v128Zero,
      ...v128Zero,
      ...get(l.v),
      ...f32x4RelaxedMadd,
      0x1a, // drop
    ]),
  ],
  false,
)

function compiles(bytes: Uint8Array): boolean {
  try {
    new webAssembly.Module(bytes)
    return true
  } catch {
    return false
  }
}
