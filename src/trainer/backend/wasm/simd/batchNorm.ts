import {
  defineFunction,
  f32x4Add,
  f32x4Gt,
  f32x4Max,
  f32x4Mul,
  f32x4Splat,
  f32x4Sub,
  forLoop,
  get,
  ifElse,
  int,
  memoryFill,
  negativeInfinity,
  plus,
  set,
  times,
  v128And,
  v128Load,
  v128Store,
  zeroF32,
  type Code,
} from './assembler'

/*
 * Training-mode batch normalisation over NHWC activations seen as [rows, C] (rows = N·H·W), four
 * channels per instruction. Every function walks the rows in order and, within a row, the channels in
 * groups of 4 (`channelBytes` = 4·C, a multiple of 16); per-channel vectors are arrays of C floats
 * at `channelBytes`-sized slots. All addresses are byte offsets into tfjs' heap.
 */

/** `for each row, for each group of 4 channels: body` with `at` = row's byte offset, `lane` = group's. */
function overRows(l: { bytes: number; channelBytes: number; at: number; lane: number }, body: Code): Code {
  return forLoop(l.at, get(l.bytes), get(l.channelBytes), forLoop(l.lane, get(l.channelBytes), int(16), body))
}

/** The 4-float vector at `base + at + lane` (an activation) or `base + lane` (a per-channel slot). */
const element = (base: number, l: { at: number; lane: number }): Code => [
  ...plus(plus(get(base), get(l.at)), get(l.lane)),
  ...v128Load,
]
const slot = (base: number, l: { lane: number }, index = 0, channelBytes = 0): Code => [
  ...plus(index === 0 ? get(base) : plus(get(base), times(int(index), get(channelBytes))), get(l.lane)),
  ...v128Load,
]
/** acc[lane] += value. */
const accumulate = (acc: number, l: { lane: number }, value: Code): Code => [
  ...plus(get(acc), get(l.lane)),
  ...slot(acc, l),
  ...value,
  ...f32x4Add,
  ...v128Store,
]

/** channelSums(x, bytes, channelBytes, acc): acc[c] = Σ_rows x[row, c] (acc is zeroed first). */
export const channelSums = defineFunction(
  'channelSums',
  { parameters: ['x', 'bytes', 'channelBytes', 'acc'], i32: ['at', 'lane'], v128: [] },
  (l) => [
    ...get(l.acc),
    ...int(0),
    ...get(l.channelBytes),
    ...memoryFill,
    ...overRows(l, accumulate(l.acc, l, element(l.x, l))),
  ],
)

/** channelSquaredDeviations(x, bytes, channelBytes, mean, acc): acc[c] = Σ_rows (x[row, c] − mean[c])². */
export const channelSquaredDeviations = defineFunction(
  'channelSquaredDeviations',
  { parameters: ['x', 'bytes', 'channelBytes', 'mean', 'acc'], i32: ['at', 'lane'], v128: ['d'] },
  (l) => [
    ...get(l.acc),
    ...int(0),
    ...get(l.channelBytes),
    ...memoryFill,
    ...overRows(l, [
      ...element(l.x, l),
      ...slot(l.mean, l),
      ...f32x4Sub,
      ...set(l.d),
      ...accumulate(l.acc, l, [...get(l.d), ...get(l.d), ...f32x4Mul]),
    ]),
  ],
)

/**
 * normalize(x, bytes, channelBytes, params, out, relu): out = (x − mean)·scale + beta, then ReLU when
 * `relu` is 1. `params` holds the slots mean, scale, beta.
 */
export const normalize = defineFunction(
  'normalize',
  {
    parameters: ['x', 'bytes', 'channelBytes', 'params', 'out', 'relu'],
    i32: ['at', 'lane'],
    v128: ['floor'],
  },
  (l) => [
    // max(v, −∞) is v (NaN stays NaN), so one loop serves both.
    ...ifElse(
      get(l.relu),
      [...zeroF32, ...f32x4Splat, ...set(l.floor)],
      [...negativeInfinity, ...f32x4Splat, ...set(l.floor)],
    ),
    ...overRows(l, [
      ...plus(plus(get(l.out), get(l.at)), get(l.lane)),
      ...element(l.x, l),
      ...slot(l.params, l, 0, l.channelBytes),
      ...f32x4Sub,
      ...slot(l.params, l, 1, l.channelBytes),
      ...f32x4Mul,
      ...slot(l.params, l, 2, l.channelBytes),
      ...f32x4Add,
      ...get(l.floor),
      ...f32x4Max,
      ...v128Store,
    ]),
  ],
)

/**
 * The backward passes read the normalisation's parameters from `params` slots: mean, scale (γ·s),
 * beta, then k1 = γ·s, meanG = Σg / n, k2 = s²·Σg(x − mean) / n (s = 1/√(var + ε)). With a folded
 * ReLU, g is dy where the forward's output was positive, a mask recomputed from x with the forward's
 * own float32 operations (so it is the same mask) instead of read from the output: one stream less.
 */
function backwardBody(
  l: { dy: number; x: number; params: number; channelBytes: number; at: number; lane: number },
  locals: { centered: number; g: number; zero: number },
  masked: boolean,
): Code {
  const param = (index: number) => slot(l.params, l, index, l.channelBytes)
  const centered = [...element(l.x, l), ...param(0), ...f32x4Sub, ...set(locals.centered)]
  const mask = [
    ...get(locals.centered),
    ...param(1),
    ...f32x4Mul,
    ...param(2),
    ...f32x4Add,
    ...get(locals.zero),
    ...f32x4Gt,
    ...v128And,
  ]
  return [...centered, ...element(l.dy, l), ...(masked ? mask : []), ...set(locals.g)]
}

/**
 * gradientSums(dy, x, bytes, channelBytes, params, sums, relu): sums slot 0 = Σ g, slot 1 =
 * Σ g·(x − mean), zeroed first.
 */
export const gradientSums = defineFunction(
  'gradientSums',
  {
    parameters: ['dy', 'x', 'bytes', 'channelBytes', 'params', 'sums', 'relu'],
    i32: ['at', 'lane', 'sumsOfProducts'],
    v128: ['centered', 'g', 'zero'],
  },
  (l) => {
    const body = (masked: boolean): Code =>
      overRows(l, [
        ...backwardBody(l, l, masked),
        ...accumulate(l.sums, l, get(l.g)),
        ...accumulate(l.sumsOfProducts, l, [...get(l.g), ...get(l.centered), ...f32x4Mul]),
      ])
    return [
      ...zeroF32,
      ...f32x4Splat,
      ...set(l.zero),
      ...plus(get(l.sums), get(l.channelBytes)),
      ...set(l.sumsOfProducts),
      ...get(l.sums),
      ...int(0),
      ...times(int(2), get(l.channelBytes)),
      ...memoryFill,
      ...ifElse(get(l.relu), body(true), body(false)),
    ]
  },
)

/** inputGradient(dy, x, bytes, channelBytes, params, dx, relu): dx = k1·(g − meanG − (x − mean)·k2). */
export const inputGradient = defineFunction(
  'inputGradient',
  {
    parameters: ['dy', 'x', 'bytes', 'channelBytes', 'params', 'dx', 'relu'],
    i32: ['at', 'lane'],
    v128: ['centered', 'g', 'zero'],
  },
  (l) => {
    const param = (index: number) => slot(l.params, l, index, l.channelBytes)
    const body = (masked: boolean): Code =>
      overRows(l, [
        ...backwardBody(l, l, masked),
        ...plus(plus(get(l.dx), get(l.at)), get(l.lane)),
        ...get(l.g),
        ...param(4),
        ...f32x4Sub,
        ...get(l.centered),
        ...param(5),
        ...f32x4Mul,
        ...f32x4Sub,
        ...param(3),
        ...f32x4Mul,
        ...v128Store,
      ])
    return [...zeroF32, ...f32x4Splat, ...set(l.zero), ...ifElse(get(l.relu), body(true), body(false))]
  },
)
