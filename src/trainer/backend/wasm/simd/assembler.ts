/**
 * A minimal WebAssembly assembler: enough instructions, structured loops and module encoding for the
 * few SIMD kernels we run on tfjs' wasm heap, with no toolchain at build or run time. Kernels are
 * written as functions over named locals (`defineFunction`); `assembleModule` imports tfjs' memory
 * and exports them by name.
 */

export type Code = number[]

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

const i32Type = 0x7f
const f32Type = 0x7d
const v128Type = 0x7b
/** A SIMD instruction: the 0xfd prefix and its opcode (LEB128). */
const simd = (opcode: number): Code => [0xfd, ...uleb(opcode)]
/** Alignment hint 0 (any address) and offset 0. */
const memarg = [0x00, 0x00]

// ---- instructions ---------------------------------------------------------------------------------

export const get = (local: number): Code => [0x20, ...uleb(local)]
export const set = (local: number): Code => [0x21, ...uleb(local)]
export const int = (value: number): Code => [0x41, ...sleb(value)]
export const add: Code = [0x6a]
export const sub: Code = [0x6b]
export const mul: Code = [0x6c]
export const divU: Code = [0x6e]
export const and: Code = [0x71]
export const geU: Code = [0x4f]
export const ltU: Code = [0x49]
export const eq: Code = [0x46]
/** select(a, b, condition): a when condition ≠ 0. */
export const select: Code = [0x1b]
export const f32Load: Code = [0x2a, 0x02, 0x00]
export const f32Store: Code = [0x38, 0x02, 0x00]
export const f32Add: Code = [0x92]
export const f32Sub: Code = [0x93]
export const f32Mul: Code = [0x94]
/** memory.fill(destination, byte, bytes). */
export const memoryFill: Code = [0xfc, 0x0b, 0x00]
export const negativeInfinity: Code = [0x43, 0x00, 0x00, 0x80, 0xff]
export const zeroF32: Code = [0x43, 0x00, 0x00, 0x00, 0x00]

export const v128Load: Code = [...simd(0x00), ...memarg]
export const v128Store: Code = [...simd(0x0b), ...memarg]
/** v128.load / v128.store at a constant byte offset from the address on the stack. */
export const v128LoadAt = (offset: number): Code => [...simd(0x00), 0x04, ...uleb(offset)]
export const v128StoreAt = (offset: number): Code => [...simd(0x0b), 0x04, ...uleb(offset)]
/** One float at (address + offset) in all four lanes. */
export const f32x4LoadSplatAt = (offset: number): Code => [...simd(0x09), 0x02, ...uleb(offset)]
export const v128Zero: Code = [...simd(0x0c), ...new Array<number>(16).fill(0)]
/** i8x16.shuffle of two vectors, given as four f32 lanes (0–3 the first vector's, 4–7 the second's). */
export const shuffleF32 = (...lanes: [number, number, number, number]): Code => [
  ...simd(0x0d),
  ...lanes.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3]),
]
export const f32x4Splat = simd(0x13)
export const f32x4Gt = simd(0x44)
export const v128And = simd(0x4e)
export const v128AndNot = simd(0x4f)
export const v128Bitselect = simd(0x52)
export const f32x4Add = simd(0xe4)
export const f32x4Sub = simd(0xe5)
export const f32x4Mul = simd(0xe6)
export const f32x4Max = simd(0xe9)
/**
 * relaxed SIMD's f32x4.relaxed_madd(a, b, c) = a·b + c, fused where the CPU has FMA. Shipped
 * on by default from V8 11.4 (Node 22+); `relaxedSimdSupported()` probes before use.
 */
export const f32x4RelaxedMadd = simd(0x105)

/** `(a + b)` of two i32 expressions. */
export const plus = (a: Code, b: Code): Code => [...a, ...b, ...add]
/** `(a − b)` of two i32 expressions. */
export const minus = (a: Code, b: Code): Code => [...a, ...b, ...sub]
/** `(a · b)` of two i32 expressions. */
export const times = (a: Code, b: Code): Code => [...a, ...b, ...mul]

export const ifElse = (condition: Code, then: Code, otherwise: Code): Code => [
  ...condition,
  ...[0x04, 0x40],
  ...then,
  0x05,
  ...otherwise,
  0x0b,
]

/** `for (counter = from; counter < limit; counter += step) body` as block / loop / br_if / br. */
export function forLoop(counter: number, limit: Code, step: Code, body: Code, from: Code = int(0)): Code {
  return [
    ...from,
    ...set(counter),
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...get(counter),
    ...limit,
    ...geU,
    ...[0x0d, 0x01], // br_if 1: leave the block
    ...body,
    ...get(counter),
    ...step,
    ...add,
    ...set(counter),
    ...[0x0c, 0x00], // br 0: next iteration
    ...[0x0b, 0x0b], // end loop, end block
  ]
}

// ---- functions and modules ------------------------------------------------------------------------

/**
 * A function of the module. `Parameter` names its parameters: the one list a call's arguments are
 * checked against (`SimdKernels.call`) and put in order from (`argumentsOf`).
 */
export interface WasmFunction<Parameter extends string = string> {
  readonly name: string
  /** Parameter names, in order. */
  readonly parameterNames: readonly Parameter[]
  /** Value types of the parameters, in order. */
  readonly parameters: readonly number[]
  readonly locals: number[][]
  readonly code: Code
}

/**
 * A function of i32 parameters (then f32 ones, if any) with named i32 and v128 locals: `body`
 * receives every name's local index (parameters first, in order).
 */
export function defineFunction<
  P extends string,
  I extends string,
  V extends string,
  F extends string = never,
>(
  name: string,
  signature: {
    parameters: readonly P[]
    f32Parameters?: readonly F[]
    i32: readonly I[]
    v128: readonly V[]
  },
  body: (local: Record<P | F | I | V, number>) => Code,
): WasmFunction<P | F> {
  const floats = signature.f32Parameters ?? []
  const names = [...signature.parameters, ...floats, ...signature.i32, ...signature.v128]
  const local = Object.fromEntries(names.map((n, index) => [n, index])) as Record<P | F | I | V, number>
  const locals: number[][] = []
  if (signature.i32.length > 0) locals.push([...uleb(signature.i32.length), i32Type])
  if (signature.v128.length > 0) locals.push([...uleb(signature.v128.length), v128Type])
  const parameters = [...signature.parameters.map(() => i32Type), ...floats.map(() => f32Type)]
  const parameterNames = [...signature.parameters, ...floats]
  return { name, parameterNames, parameters, locals, code: body(local) }
}

/** A call's named arguments: every parameter, no other name. */
export type ArgumentsOf<F> = F extends WasmFunction<infer Parameter> ? Record<Parameter, number> : never

/** The arguments in the function's parameter order. */
export function argumentList<Parameter extends string>(
  f: WasmFunction<Parameter>,
  args: Record<Parameter, number>,
): number[] {
  return f.parameterNames.map((name) => args[name])
}

/** A module importing `env.memory` (shared when tfjs runs threads) and exporting `functions` by name. */
export function assembleModule(
  functions: readonly WasmFunction[],
  sharedMemory: boolean,
): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vector(f.parameters.map((type) => [type])), ...vector([])])
  // A shared memory must declare a maximum; 65536 pages (4 GiB) admits any.
  const limits = sharedMemory ? [0x03, ...uleb(0), ...uleb(65536)] : [0x00, ...uleb(0)]
  const memoryImport = [...text('env'), ...text('memory'), 0x02, ...limits]
  const bodies = functions.map((f) => {
    const body = [...vector(f.locals), ...f.code, 0x0b]
    return [...uleb(body.length), ...body]
  })
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(functions.map((_, index) => uleb(index)))),
    ...section(7, vector(functions.map((f, index) => [...text(f.name), 0x00, ...uleb(index)]))),
    ...section(10, vector(bodies)),
  ])
}
