import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

/**
 * Two small kernels of our own in WebAssembly, run on tfjs' wasm heap: the 2×2 max-pool gradient
 * (SIMD, four channels per instruction) and the im2col copy of the filter gradient (block copies).
 * Written in JavaScript over typed arrays they ran at 2–5 ns per value and were the slowest
 * single-threaded parts of a training step. The module is a few hundred bytes, assembled below (no
 * toolchain needed) and instantiated against the backend's own memory, so it reads and writes tensors
 * in place at their heap offsets.
 */
export interface SimdKernels {
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
}

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
    const module = new webAssembly.Module(assembleModule(shared))
    const { exports } = new webAssembly.Instance(module, { env: { memory } })
    return {
      maxPoolGrad2x2: exports.maxPoolGrad2x2 as SimdKernels['maxPoolGrad2x2'],
      im2colTransposed: exports.im2colTransposed as SimdKernels['im2colTransposed'],
    }
  } catch {
    return null
  }
}

// ---- a minimal assembler ------------------------------------------------------------------------

function uleb(value: number): number[] {
  const bytes: number[] = []
  do {
    let byte = value & 0x7f
    value >>>= 7
    if (value !== 0) byte |= 0x80
    bytes.push(byte)
  } while (value !== 0)
  return bytes
}

function sleb(value: number): number[] {
  const bytes: number[] = []
  for (;;) {
    const byte = value & 0x7f
    value >>= 7
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) return [...bytes, byte]
    bytes.push(byte | 0x80)
  }
}

const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()]
const text = (value: string): number[] => vector(Array.from(value, (c) => [c.charCodeAt(0)]))
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body]

const i32 = 0x7f
const v128 = 0x7b
const get = (local: number) => [0x20, ...uleb(local)]
const set = (local: number) => [0x21, ...uleb(local)]
const int = (value: number) => [0x41, ...sleb(value)]
const add = [0x6a]
const mul = [0x6c]
const geU = [0x4f]
const eq = [0x46]
const f32Load = [0x2a, 0x02, 0x00]
const f32Store = [0x38, 0x02, 0x00]
const memoryCopy = [0xfc, 0x0a, 0x00, 0x00]
const ifElse = (then: number[], otherwise: number[]) => [0x04, 0x40, ...then, 0x05, ...otherwise, 0x0b]
// SIMD instructions: the 0xfd prefix, the opcode, and for memory ones (alignment hint, offset).
const load = [0xfd, 0x00, 0x00, 0x00]
const store = [0xfd, 0x0b, 0x00, 0x00]
const splatF32 = [0xfd, 0x13]
const gt = [0xfd, 0x44]
const and = [0xfd, 0x4e]
const andNot = [0xfd, 0x4f]
const bitselect = [0xfd, 0x52]
const negativeInfinity = [0x43, 0x00, 0x00, 0x80, 0xff]

/** `for (counter = 0; counter < limit; counter += step) body` as block / loop / br_if / br. */
function forLoop(counter: number, limit: number[], step: number, body: number[]): number[] {
  return [
    ...int(0),
    ...set(counter),
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...get(counter),
    ...limit,
    ...geU,
    ...[0x0d, 0x01], // br_if 1: leave the block
    ...body,
    ...get(counter),
    ...int(step),
    ...add,
    ...set(counter),
    ...[0x0c, 0x00], // br 0: next iteration
    ...[0x0b, 0x0b], // end loop, end block
  ]
}

/** maxPoolGrad2x2(x, dy, out, outRows, outWidth, channelBytes, rowBytes). */
function maxPoolGrad2x2Function(): { locals: number[][]; code: number[] } {
  const [x, dy, out, outRows, outWidth, channelBytes, rowBytes] = [0, 1, 2, 3, 4, 5, 6]
  const [row, column, lane, windowOffset, dyOffset, address] = [7, 8, 9, 10, 11, 12]
  const [a, b, d, e, best, ma, mb, md, me, floor, grad] = [13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]
  // best = value > best ? value : best, keeping the comparison in `mask`.
  const challenge = (value: number, mask: number) => [
    ...get(value),
    ...get(best),
    ...gt,
    ...set(mask),
    ...get(value),
    ...get(best),
    ...get(mask),
    ...bitselect,
    ...set(best),
  ]
  const storeMasked = (offset: number[], mask: number[]) => [
    ...get(address),
    ...offset,
    ...add,
    ...get(grad),
    ...mask,
    ...and,
    ...store,
  ]
  const lanes = [
    // address = x + windowOffset + lane: the window's top-left vector of 4 channels
    ...get(x),
    ...get(windowOffset),
    ...add,
    ...get(lane),
    ...add,
    ...set(address),
    ...get(address),
    ...load,
    ...set(a),
    ...get(address),
    ...get(channelBytes),
    ...add,
    ...load,
    ...set(b),
    ...get(address),
    ...get(rowBytes),
    ...add,
    ...load,
    ...set(d),
    ...get(address),
    ...get(rowBytes),
    ...add,
    ...get(channelBytes),
    ...add,
    ...load,
    ...set(e),
    // The cpu backend's order: start at −∞, then a, b, d, e each win only if strictly greater.
    ...get(floor),
    ...set(best),
    ...challenge(a, ma),
    ...challenge(b, mb),
    ...challenge(d, md),
    ...get(e),
    ...get(best),
    ...gt,
    ...set(me),
    ...get(dy),
    ...get(dyOffset),
    ...add,
    ...get(lane),
    ...add,
    ...load,
    ...set(grad),
    // address = out + windowOffset + lane; each position gets dy where it won, else 0.
    ...get(out),
    ...get(windowOffset),
    ...add,
    ...get(lane),
    ...add,
    ...set(address),
    ...storeMasked(int(0), [...get(ma), ...get(mb), ...andNot, ...get(md), ...andNot, ...get(me), ...andNot]),
    ...storeMasked(get(channelBytes), [...get(mb), ...get(md), ...andNot, ...get(me), ...andNot]),
    ...storeMasked(get(rowBytes), [...get(md), ...get(me), ...andNot]),
    ...storeMasked([...get(rowBytes), ...get(channelBytes), ...add], get(me)),
  ]
  const windows = [
    // windowOffset = (row·rowBytes + column·channelBytes)·2; dyOffset = (row·outWidth + column)·channelBytes
    ...get(row),
    ...get(rowBytes),
    ...mul,
    ...get(column),
    ...get(channelBytes),
    ...mul,
    ...add,
    ...int(2),
    ...mul,
    ...set(windowOffset),
    ...get(row),
    ...get(outWidth),
    ...mul,
    ...get(column),
    ...add,
    ...get(channelBytes),
    ...mul,
    ...set(dyOffset),
    ...forLoop(lane, get(channelBytes), 16, lanes),
  ]
  const code = [
    ...negativeInfinity,
    ...splatF32,
    ...set(floor),
    ...forLoop(row, get(outRows), 1, forLoop(column, get(outWidth), 1, windows)),
  ]
  return {
    locals: [
      [...uleb(6), i32],
      [...uleb(11), v128],
    ],
    code,
  }
}

/** im2colTransposed(src, dst, n, ci, height, width, kh, kw, sh, sw, ho, wo, first, count). */
function im2colTransposedFunction(): { locals: number[][]; code: number[] } {
  const [src, dst, n, ci, height, width, kh, kw, sh, sw, ho, wo, first, count] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
  ]
  const [a, b, c, k, i, j, from, to] = [14, 15, 16, 17, 18, 19, 20, 21]
  const row = ifElse(
    // Unit column stride: one block copy of wo floats.
    [
      ...get(to),
      ...get(from),
      ...get(wo),
      ...int(4),
      ...mul,
      ...memoryCopy,
      ...get(to),
      ...get(wo),
      ...int(4),
      ...mul,
      ...add,
      ...set(to),
    ],
    forLoop(j, get(wo), 1, [
      ...get(to),
      ...get(from),
      ...get(j),
      ...get(sw),
      ...mul,
      ...int(4),
      ...mul,
      ...add,
      ...f32Load,
      ...f32Store,
      ...get(to),
      ...int(4),
      ...add,
      ...set(to),
    ]),
  )
  const image = [
    // from = src + (((c·n + first + k)·height + a)·width + b)·4
    ...get(c),
    ...get(n),
    ...mul,
    ...get(first),
    ...add,
    ...get(k),
    ...add,
    ...get(height),
    ...mul,
    ...get(a),
    ...add,
    ...get(width),
    ...mul,
    ...get(b),
    ...add,
    ...int(4),
    ...mul,
    ...get(src),
    ...add,
    ...set(from),
    ...forLoop(i, get(ho), 1, [
      ...get(sw),
      ...int(1),
      ...eq,
      ...row,
      ...get(from),
      ...get(sh),
      ...get(width),
      ...mul,
      ...int(4),
      ...mul,
      ...add,
      ...set(from),
    ]),
  ]
  const code = [
    ...get(dst),
    ...set(to),
    ...forLoop(
      a,
      get(kh),
      1,
      forLoop(b, get(kw), 1, forLoop(c, get(ci), 1, forLoop(k, get(count), 1, image))),
    ),
  ]
  return { locals: [[...uleb(8), i32]], code }
}

function assembleModule(sharedMemory: boolean): Uint8Array {
  const functions = [
    { name: 'maxPoolGrad2x2', parameters: 7, ...maxPoolGrad2x2Function() },
    { name: 'im2colTransposed', parameters: 14, ...im2colTransposedFunction() },
  ]
  const types = functions.map((f) => [
    0x60,
    ...vector(Array.from({ length: f.parameters }, () => [i32])),
    ...vector([]),
  ])
  // Import tfjs' memory: a shared one must declare a maximum; 65536 pages (4 GiB) admits any.
  const limits = sharedMemory ? [0x03, ...uleb(0), ...uleb(65536)] : [0x00, ...uleb(0)]
  const memoryImport = [...text('env'), ...text('memory'), 0x02, ...limits]
  const bodies = functions.map((f) => {
    const body = [...vector(f.locals), ...f.code, 0x0b]
    return [...uleb(body.length), ...body]
  })
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(functions.map((_, index) => uleb(index)))),
    ...section(7, vector(functions.map((f, index) => [...text(f.name), 0x00, ...uleb(index)]))),
    ...section(10, vector(bodies)),
  ]
  return new Uint8Array(bytes)
}
