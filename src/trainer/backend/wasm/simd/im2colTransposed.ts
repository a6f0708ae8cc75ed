import {
  add,
  defineFunction,
  eq,
  f32Load,
  f32Store,
  forLoop,
  get,
  ifElse,
  int,
  memoryCopy,
  mul,
  set,
} from './assembler'

/**
 * im2colTransposed(src, dst, n, ci, height, width, kh, kw, sh, sw, ho, wo, first, count): Pᵀ of the
 * filter gradient from padded [Ci, N, height, width] x, a block copy per row (see `SimdKernels`).
 */
export const im2colTransposed = defineFunction(
  'im2colTransposed',
  {
    parameters: [
      'src',
      'dst',
      'n',
      'ci',
      'height',
      'width',
      'kh',
      'kw',
      'sh',
      'sw',
      'ho',
      'wo',
      'first',
      'count',
    ],
    i32: ['a', 'b', 'c', 'k', 'i', 'j', 'from', 'to'],
    v128: [],
  },
  (l) => {
    const row = ifElse(
      [...get(l.sw), ...int(1), ...eq],
      // Unit column stride: one block copy of wo floats.
      [
        ...get(l.to),
        ...get(l.from),
        ...get(l.wo),
        ...int(4),
        ...mul,
        ...memoryCopy,
        ...get(l.to),
        ...get(l.wo),
        ...int(4),
        ...mul,
        ...add,
        ...set(l.to),
      ],
      forLoop(l.j, get(l.wo), int(1), [
        ...get(l.to),
        ...get(l.from),
        ...get(l.j),
        ...get(l.sw),
        ...mul,
        ...int(4),
        ...mul,
        ...add,
        ...f32Load,
        ...f32Store,
        ...get(l.to),
        ...int(4),
        ...add,
        ...set(l.to),
      ]),
    )
    const image = [
      // from = src + (((c·n + first + k)·height + a)·width + b)·4
      ...get(l.c),
      ...get(l.n),
      ...mul,
      ...get(l.first),
      ...add,
      ...get(l.k),
      ...add,
      ...get(l.height),
      ...mul,
      ...get(l.a),
      ...add,
      ...get(l.width),
      ...mul,
      ...get(l.b),
      ...add,
      ...int(4),
      ...mul,
      ...get(l.src),
      ...add,
      ...set(l.from),
      ...forLoop(l.i, get(l.ho), int(1), [
        ...row,
        ...get(l.from),
        ...get(l.sh),
        ...get(l.width),
        ...mul,
        ...int(4),
        ...mul,
        ...add,
        ...set(l.from),
      ]),
    ]
    return [
      ...get(l.dst),
      ...set(l.to),
      ...forLoop(
        l.a,
        get(l.kh),
        int(1),
        forLoop(
          l.b,
          get(l.kw),
          int(1),
          forLoop(l.c, get(l.ci), int(1), forLoop(l.k, get(l.count), int(1), image)),
        ),
      ),
    ]
  },
)
