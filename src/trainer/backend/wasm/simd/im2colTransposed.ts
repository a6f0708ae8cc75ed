import {
  add,
  and,
  defineFunction,
  eq,
  f32Load,
  f32Store,
  forLoop,
  get,
  ifElse,
  int,
  mul,
  plus,
  set,
  times,
  v128Load,
  v128Store,
} from './assembler'

/**
 * im2colTransposed(src, dst, n, ci, height, width, kh, kw, sh, sw, ho, wo, first, count): Pᵀ of the
 * filter gradient from padded [Ci, N, height, width] x, row by row (see `SimdKernels`).
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
    // One output row of wo floats: 4 at a time through a register, then the rest one by one (a block
    // copy per row cost more than the copying itself for rows this short), or strided.
    const unitStride = [
      ...forLoop(l.j, [...get(l.wo), ...int(-4), ...and], int(4), [
        ...plus(get(l.to), times(get(l.j), int(4))),
        ...plus(get(l.from), times(get(l.j), int(4))),
        ...v128Load,
        ...v128Store,
      ]),
      ...forLoop(
        l.j,
        get(l.wo),
        int(1),
        [
          ...plus(get(l.to), times(get(l.j), int(4))),
          ...plus(get(l.from), times(get(l.j), int(4))),
          ...f32Load,
          ...f32Store,
        ],
        [...get(l.wo), ...int(-4), ...and],
      ),
    ]
    const strided = forLoop(l.j, get(l.wo), int(1), [
      ...plus(get(l.to), times(get(l.j), int(4))),
      ...plus(get(l.from), times(times(get(l.j), get(l.sw)), int(4))),
      ...f32Load,
      ...f32Store,
    ])
    const row = [
      ...ifElse([...get(l.sw), ...int(1), ...eq], unitStride, strided),
      ...plus(get(l.to), times(get(l.wo), int(4))),
      ...set(l.to),
    ]
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
