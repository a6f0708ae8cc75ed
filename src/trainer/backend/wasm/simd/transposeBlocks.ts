import {
  and,
  defineFunction,
  f32Load,
  f32Store,
  forLoop,
  get,
  int,
  ltU,
  plus,
  select,
  set,
  shuffleF32,
  times,
  v128Load,
  v128Store,
  type Code,
} from './assembler'

/**
 * transposeBlocks(src, dst, rows, cols, srcRowBytes, dstRowBytes, count, srcStep, dstStep): for each
 * of `count` blocks (the b-th at src + b·srcStep, dst + b·dstStep), dst[c][r] = src[r][c] over a
 * rows × cols float matrix with the given row strides in bytes. 4×4 tiles go through registers
 * (four loads, eight shuffles, four stores); the ragged edges are copied one float at a time.
 */
export const transposeBlocks = defineFunction(
  'transposeBlocks',
  {
    parameters: ['src', 'dst', 'rows', 'cols', 'srcRowBytes', 'dstRowBytes', 'count', 'srcStep', 'dstStep'],
    i32: ['block', 'r', 'c', 's', 'd', 'rows4', 'cols4', 'from', 'to'],
    v128: ['r0', 'r1', 'r2', 'r3', 't0', 't1', 't2', 't3'],
  },
  (l) => {
    const srcRow = (k: number): Code =>
      k === 0 ? get(l.from) : plus(get(l.from), times(int(k), get(l.srcRowBytes)))
    const dstRow = (k: number): Code =>
      k === 0 ? get(l.to) : plus(get(l.to), times(int(k), get(l.dstRowBytes)))
    const tile = [
      // from = s + r·srcRowBytes + 4c, to = d + c·dstRowBytes + 4r
      ...plus(plus(get(l.s), times(get(l.r), get(l.srcRowBytes))), times(get(l.c), int(4))),
      ...set(l.from),
      ...plus(plus(get(l.d), times(get(l.c), get(l.dstRowBytes))), times(get(l.r), int(4))),
      ...set(l.to),
      ...[l.r0, l.r1, l.r2, l.r3].flatMap((row, k) => [...srcRow(k), ...v128Load, ...set(row)]),
      ...[...get(l.r0), ...get(l.r1), ...shuffleF32(0, 4, 1, 5), ...set(l.t0)],
      ...[...get(l.r0), ...get(l.r1), ...shuffleF32(2, 6, 3, 7), ...set(l.t1)],
      ...[...get(l.r2), ...get(l.r3), ...shuffleF32(0, 4, 1, 5), ...set(l.t2)],
      ...[...get(l.r2), ...get(l.r3), ...shuffleF32(2, 6, 3, 7), ...set(l.t3)],
      ...[...dstRow(0), ...get(l.t0), ...get(l.t2), ...shuffleF32(0, 1, 4, 5), ...v128Store],
      ...[...dstRow(1), ...get(l.t0), ...get(l.t2), ...shuffleF32(2, 3, 6, 7), ...v128Store],
      ...[...dstRow(2), ...get(l.t1), ...get(l.t3), ...shuffleF32(0, 1, 4, 5), ...v128Store],
      ...[...dstRow(3), ...get(l.t1), ...get(l.t3), ...shuffleF32(2, 3, 6, 7), ...v128Store],
    ]
    // Rows below rows4 still need columns from cols4 on; rows from rows4 on need every column.
    const edges = forLoop(
      l.r,
      get(l.rows),
      int(1),
      forLoop(
        l.c,
        get(l.cols),
        int(1),
        [
          ...plus(plus(get(l.d), times(get(l.c), get(l.dstRowBytes))), times(get(l.r), int(4))),
          ...plus(plus(get(l.s), times(get(l.r), get(l.srcRowBytes))), times(get(l.c), int(4))),
          ...f32Load,
          ...f32Store,
        ],
        [...get(l.cols4), ...int(0), ...get(l.r), ...get(l.rows4), ...ltU, ...select],
      ),
    )
    return [
      ...[...get(l.rows), ...int(-4), ...and, ...set(l.rows4)],
      ...[...get(l.cols), ...int(-4), ...and, ...set(l.cols4)],
      ...forLoop(l.block, get(l.count), int(1), [
        ...plus(get(l.src), times(get(l.block), get(l.srcStep))),
        ...set(l.s),
        ...plus(get(l.dst), times(get(l.block), get(l.dstStep))),
        ...set(l.d),
        ...forLoop(l.r, get(l.rows4), int(4), forLoop(l.c, get(l.cols4), int(4), tile)),
        ...edges,
      ]),
    ]
  },
)
