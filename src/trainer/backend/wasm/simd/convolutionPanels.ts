import {
  and,
  defineFunction,
  divU,
  forLoop,
  get,
  ifElse,
  int,
  ltU,
  memoryFill,
  minus,
  plus,
  select,
  set,
  shuffleF32,
  times,
  v128LoadAt,
  v128StoreAt,
  type Code,
} from './assembler'
import { gemmTile, tileAccumulators, tileI32, tileV128 } from './gemmTile'

const lanes = [0, 1, 2, 3] as const
type PixelLocal = `${'base' | 'row' | 'column' | 'source'}${(typeof lanes)[number]}`
const pixelLocals = (['base', 'row', 'column', 'source'] as const).flatMap((name) =>
  lanes.map((q): PixelLocal => `${name}${q}`),
)

/** min(a, b) of two unsigned i32 expressions. */
const minU = (a: Code, b: Code): Code => [...a, ...b, ...a, ...b, ...ltU, ...select]

/**
 * convolutionPanels(x, filter, out, scratch, n, h, w, ci, ho, wo, co, kh, kw, sh, sw, top, left,
 * group, chunk, panelFrom, panelTo): output pixels [4·panelFrom, 4·panelTo) (of n·Ho·Wo, in NHWC order) of
 *   y[p, o] = Σ_{a,b,c} x[n, sh·i + a − top, sw·j + b − left, c] · W[a, b, c, o],   p = (n, i, j)
 * for NHWC x, HWIO W and NHWC y, with Ci % 4 = 0 and Co % 8 = 0 (zero outside the image). A call owns
 * its pixels, so threads split the panels between them.
 *
 * Panels of four pixels go in groups of `group`. The call packs each panel's windows into `scratch`
 * (for each kernel row (a, b, c), the four pixels' values: 4×4 register transposes of the pixels'
 * channel vectors), then multiplies the group by W, which is [kh·kw·Ci, Co] as it lies, in chunks of
 * `chunk` kernel rows: 4 × 8 tiles (`gemmTile`), each W strip read once per group, not once per panel.
 * scratch needs group · kh·kw·Ci·16 + Ci·4 bytes (the packed panels, then a pixel of zeros).
 */
export function convolutionPanels(fused: boolean) {
  return defineFunction(
    'convolutionPanels',
    {
      parameters: [
        'x',
        'filter',
        'out',
        'scratch',
        'n',
        'h',
        'w',
        'ci',
        'ho',
        'wo',
        'co',
        'kh',
        'kw',
        'sh',
        'sw',
        'top',
        'left',
        'group',
        'chunk',
        'panelFrom',
        'panelTo',
      ],
      i32: [
        'pixelBytes',
        'coBytes',
        'depth',
        'plane',
        'pixels',
        'zeros',
        'first',
        'last',
        'p',
        'k0',
        'steps',
        'm',
        'img',
        'rest',
        'a',
        'b',
        'c',
        'to',
        'tile',
        ...pixelLocals,
        ...tileI32,
      ],
      v128: [...tileV128, 'r0', 'r1', 'r2', 'r3', 't0', 't1', 't2', 't3'],
    },
    (l) => {
      const local = (name: string, q: number): number => (l as Record<string, number>)[`${name}${q}`]!

      // Where pixel q of panel p reads: its image's base, and its window's top row and left column.
      const locate = (q: number): Code => [
        ...plus(times(get(l.p), int(4)), int(q)),
        ...set(l.m),
        ...ifElse(
          [...get(l.m), ...get(l.pixels), ...ltU],
          [
            ...[...get(l.m), ...get(l.plane), ...divU, ...set(l.img)],
            ...[...minus(get(l.m), times(get(l.img), get(l.plane))), ...set(l.rest)],
            ...plus(get(l.x), times(times(times(get(l.img), get(l.h)), get(l.w)), get(l.pixelBytes))),
            ...set(local('base', q)),
            ...minus(times(get(l.sh), [...get(l.rest), ...get(l.wo), ...divU]), get(l.top)),
            ...set(local('row', q)),
            ...minus(
              times(get(l.sw), minus(get(l.rest), times([...get(l.rest), ...get(l.wo), ...divU], get(l.wo)))),
              get(l.left),
            ),
            ...set(local('column', q)),
          ],
          // A pixel past the end reads zeros: a row no window reaches.
          [...int(0x40000000), ...set(local('row', q)), ...int(0), ...set(local('column', q))],
        ),
      ]
      // source_q for tap (a, b): the pixel's address, or the zeros where the tap falls in the padding.
      const aim = (q: number): Code => {
        const r = plus(get(local('row', q)), get(l.a))
        const col = plus(get(local('column', q)), get(l.b))
        return [
          ...plus(get(local('base', q)), times(plus(times(r, get(l.w)), col), get(l.pixelBytes))),
          ...get(l.zeros),
          ...[...r, ...get(l.h), ...ltU, ...col, ...get(l.w), ...ltU, ...and],
          ...select,
          ...set(local('source', q)),
        ]
      }
      // Channels c..c+3 of the four pixels, transposed: row (a, b, c + k) of the panel gets lane k.
      const r = [l.r0, l.r1, l.r2, l.r3]
      const channels: Code = [
        ...lanes.flatMap((q) => [
          ...plus(get(local('source', q)), get(l.c)),
          ...v128LoadAt(0),
          ...set(r[q]!),
        ]),
        ...[...get(l.r0), ...get(l.r1), ...shuffleF32(0, 4, 1, 5), ...set(l.t0)],
        ...[...get(l.r0), ...get(l.r1), ...shuffleF32(2, 6, 3, 7), ...set(l.t1)],
        ...[...get(l.r2), ...get(l.r3), ...shuffleF32(0, 4, 1, 5), ...set(l.t2)],
        ...[...get(l.r2), ...get(l.r3), ...shuffleF32(2, 6, 3, 7), ...set(l.t3)],
        ...[...get(l.to), ...get(l.t0), ...get(l.t2), ...shuffleF32(0, 1, 4, 5), ...v128StoreAt(0)],
        ...[...get(l.to), ...get(l.t0), ...get(l.t2), ...shuffleF32(2, 3, 6, 7), ...v128StoreAt(16)],
        ...[...get(l.to), ...get(l.t1), ...get(l.t3), ...shuffleF32(0, 1, 4, 5), ...v128StoreAt(32)],
        ...[...get(l.to), ...get(l.t1), ...get(l.t3), ...shuffleF32(2, 3, 6, 7), ...v128StoreAt(48)],
        ...plus(get(l.to), int(64)),
        ...set(l.to),
      ]
      // Panel p of the group, packed at scratch + (p − first)·depth·16.
      const pack: Code = [
        ...lanes.flatMap(locate),
        ...plus(get(l.scratch), times(minus(get(l.p), get(l.first)), times(get(l.depth), int(16)))),
        ...set(l.to),
        ...forLoop(
          l.a,
          get(l.kh),
          int(1),
          forLoop(l.b, get(l.kw), int(1), [
            ...lanes.flatMap(aim),
            ...forLoop(l.c, get(l.pixelBytes), int(16), channels),
          ]),
        ),
      ]
      // The group against W in depth chunks: a chunk of W's 8-column strip (chunk cache lines) and the
      // group's panel chunks stay in L1 while the group's panels take their turn on it.
      const tile = (accumulate: boolean): Code =>
        gemmTile(
          { ...l, depth: l.steps, bStride: l.coBytes, cStride: l.coBytes, accumulators: tileAccumulators(l) },
          { fused, accumulate },
        )
      const panelTile: Code = [
        ...plus(
          get(l.scratch),
          times(plus(times(minus(get(l.p), get(l.first)), get(l.depth)), get(l.k0)), int(16)),
        ),
        ...set(l.ap),
        ...[...plus(plus(get(l.filter), times(get(l.k0), get(l.coBytes))), get(l.tile)), ...set(l.bp)],
        ...[
          ...plus(plus(get(l.out), times(get(l.p), times(int(4), get(l.coBytes)))), get(l.tile)),
          ...set(l.cp),
        ],
        ...[...minU(int(4), minus(get(l.pixels), times(get(l.p), int(4)))), ...set(l.valid)],
        ...ifElse(get(l.k0), tile(true), tile(false)),
      ]
      const multiply = forLoop(l.k0, get(l.depth), get(l.chunk), [
        ...[...minU(get(l.chunk), minus(get(l.depth), get(l.k0))), ...set(l.steps)],
        ...forLoop(
          l.tile,
          get(l.coBytes),
          int(32),
          forLoop(l.p, get(l.last), int(1), panelTile, get(l.first)),
        ),
      ])
      return [
        ...[...times(get(l.ci), int(4)), ...set(l.pixelBytes)],
        ...[...times(get(l.co), int(4)), ...set(l.coBytes)],
        ...[...times(times(get(l.kh), get(l.kw)), get(l.ci)), ...set(l.depth)],
        ...[...times(get(l.ho), get(l.wo)), ...set(l.plane)],
        ...[...times(get(l.n), get(l.plane)), ...set(l.pixels)],
        ...[...plus(get(l.scratch), times(times(get(l.group), get(l.depth)), int(16))), ...set(l.zeros)],
        ...[...get(l.zeros), ...int(0), ...get(l.pixelBytes), ...memoryFill],
        ...forLoop(
          l.first,
          get(l.panelTo),
          get(l.group),
          [
            ...[...minU(plus(get(l.first), get(l.group)), get(l.panelTo)), ...set(l.last)],
            ...forLoop(l.p, get(l.last), int(1), pack, get(l.first)),
            ...multiply,
          ],
          get(l.panelFrom),
        ),
      ]
    },
  )
}
