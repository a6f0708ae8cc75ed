import {
  f32x4Add,
  f32x4LoadSplatAt,
  f32x4Mul,
  f32x4RelaxedMadd,
  forLoop,
  get,
  ifElse,
  int,
  ltU,
  plus,
  set,
  times,
  v128LoadAt,
  v128StoreAt,
  v128Zero,
  type Code,
} from './assembler'

/** The locals a tile uses; the caller declares them (i32: ap … valid; v128: b0, b1, av, c0 … c7). */
export interface TileLocals {
  /** Packed A panel: for each of `depth` steps, four floats (one per tile row). */
  ap: number
  /** B at the tile's first column; rows `bStride` bytes apart. */
  bp: number
  /** C at the tile's first row and column; rows `cStride` bytes apart. */
  cp: number
  k: number
  depth: number
  bStride: number
  cStride: number
  /** Rows of the tile that exist (1–4); rows from here on are neither read nor written. */
  valid: number
  b0: number
  b1: number
  av: number
  accumulators: readonly number[]
}

/** Names of the locals `gemmTile` needs, to spread into `defineFunction`'s lists. */
export const tileI32 = ['ap', 'bp', 'cp', 'k', 'valid'] as const
export const tileV128 = ['b0', 'b1', 'av', 'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'] as const

/** The eight accumulators of `tileV128`, row by row (two halves each). */
export const tileAccumulators = (l: Record<(typeof tileV128)[number], number>): number[] => [
  l.c0,
  l.c1,
  l.c2,
  l.c3,
  l.c4,
  l.c5,
  l.c6,
  l.c7,
]

/**
 * One 4 × 8 tile of C (+)= A·B, the matrix-product core of our convolution kernels: eight f32x4
 * accumulators stay in registers over `depth` steps, each step broadcasting the panel's four floats
 * against eight of B read in place (two loads): 16 multiply-adds per 6 loads, and with 11 vector
 * registers live, no spills on x64's 16. `fused` uses relaxed SIMD's multiply-add (an FMA where the
 * CPU has one: about 1.2× mul + add here). `accumulate` starts from C instead of zero. Advances ap
 * and bp past the depth.
 */
export function gemmTile(l: TileLocals, options: { fused: boolean; accumulate: boolean }): Code {
  const acc = (row: number, half: number): number => l.accumulators[2 * row + half]!
  const row = (r: number): Code => (r === 0 ? get(l.cp) : plus(get(l.cp), times(int(r), get(l.cStride))))
  // Row 0 always exists; the others are guarded by `valid`.
  const guarded = (r: number, code: Code): Code =>
    r === 0 ? code : ifElse([...int(r), ...get(l.valid), ...ltU], code, [])
  const step: Code = [
    ...get(l.bp),
    ...v128LoadAt(0),
    ...set(l.b0),
    ...get(l.bp),
    ...v128LoadAt(16),
    ...set(l.b1),
  ]
  for (let r = 0; r < 4; r++) {
    step.push(...get(l.ap), ...f32x4LoadSplatAt(4 * r), ...set(l.av))
    for (const [half, b] of [l.b0, l.b1].entries()) {
      const a = acc(r, half)
      if (options.fused) step.push(...get(l.av), ...get(b), ...get(a), ...f32x4RelaxedMadd, ...set(a))
      else step.push(...get(a), ...get(l.av), ...get(b), ...f32x4Mul, ...f32x4Add, ...set(a))
    }
  }
  step.push(...plus(get(l.ap), int(16)), ...set(l.ap), ...plus(get(l.bp), get(l.bStride)), ...set(l.bp))

  const start: Code = []
  const finish: Code = []
  for (let r = 0; r < 4; r++) {
    const load: Code = []
    const store: Code = []
    for (let half = 0; half < 2; half++) {
      load.push(...row(r), ...v128LoadAt(16 * half), ...set(acc(r, half)))
      store.push(...row(r), ...get(acc(r, half)), ...v128StoreAt(16 * half))
      if (!options.accumulate) start.push(...v128Zero, ...set(acc(r, half)))
    }
    if (options.accumulate) start.push(...guarded(r, load))
    finish.push(...guarded(r, store))
  }
  return [...start, ...forLoop(l.k, get(l.depth), int(1), step), ...finish]
}
