import {
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
  times,
  v128LoadAt,
  v128Store,
  v128Zero,
  type Code,
} from './assembler'
import { gemmTile, tileAccumulators, tileI32, tileV128 } from './gemmTile'

/**
 * filterGradientPanels(x, dy, out, scratch, n, h, w, ci, ho, wo, co, kw, sh, sw, top, left,
 * blockImages, panelFrom, panelTo): rows [4·panelFrom, 4·panelTo) of the filter gradient
 *   dW[(a,b,c), o] = Σ_{n,i,j} x[n, sh·i + a − top, sw·j + b − left, c] · dy[n, i, j, o]
 * (zero outside the image), for NHWC x and dy with Ci % 4 = 0 and Co % 8 = 0, dW as [kh·kw·Ci, Co].
 * Panel p holds the four rows (a, b, 4q..4q+3) with p = (a·kw + b)·Ci/4 + q. A call owns its rows, so
 * threads split the panels between them and need no reduction.
 *
 * Images go in blocks of `blockImages`. For each block the call first packs its panels' input into
 * `scratch` (per panel, for each of the block's pixels (n, i, j), the four channels: one 16-byte copy)
 * and then multiplies: each 4 × 8 tile of dW accumulates in eight registers over the block's pixels,
 * four floats of the packed panel broadcast against eight of dy, read in place (NHWC dy is already
 * [pixels, Co]). Unlike XNNPACK's matrix product, which packs dy (its weights operand) on one thread
 * every step, nothing dy-sized is copied. `fused` picks relaxed SIMD's multiply-add over mul + add.
 * scratch needs (panelTo − panelFrom) · blockImages·Ho·Wo · 16 bytes.
 */
export function filterGradientPanels(fused: boolean) {
  return defineFunction(
    'filterGradientPanels',
    {
      parameters: [
        'x',
        'dy',
        'out',
        'scratch',
        'n',
        'h',
        'w',
        'ci',
        'ho',
        'wo',
        'co',
        'kw',
        'sh',
        'sw',
        'top',
        'left',
        'blockImages',
        'panelFrom',
        'panelTo',
      ],
      i32: [
        'groups',
        'pixelBytes',
        'coBytes',
        'first',
        'count',
        'pixels',
        'p',
        'tap',
        'q',
        'a',
        'b',
        'img',
        'i',
        'j',
        'r',
        'column',
        'source',
        'to',
        'tile',
        ...tileI32,
      ],
      v128: tileV128,
    },
    (l) => {
      // ---- packing: to ← the block's pixels, four channels each, for panel p ----
      const pixel = ifElse(
        [
          ...minus(plus(times(get(l.sw), get(l.j)), get(l.b)), get(l.left)),
          ...set(l.column),
          ...get(l.column),
          ...get(l.w),
          ...ltU,
        ],
        [
          ...get(l.to),
          ...plus(get(l.source), times(get(l.column), get(l.pixelBytes))),
          ...v128LoadAt(0),
          ...v128Store,
        ],
        [...get(l.to), ...v128Zero, ...v128Store],
      )
      const outputRow = [
        ...minus(plus(times(get(l.sh), get(l.i)), get(l.a)), get(l.top)),
        ...set(l.r),
        ...ifElse(
          [...get(l.r), ...get(l.h), ...ltU],
          [
            // source = x + ((img·h + r)·w)·pixelBytes + 16q
            ...plus(
              plus(
                get(l.x),
                times(times(plus(times(get(l.img), get(l.h)), get(l.r)), get(l.w)), get(l.pixelBytes)),
              ),
              times(get(l.q), int(16)),
            ),
            ...set(l.source),
            ...forLoop(l.j, get(l.wo), int(1), [...pixel, ...plus(get(l.to), int(16)), ...set(l.to)]),
          ],
          [
            ...[...get(l.to), ...int(0), ...times(get(l.wo), int(16)), ...memoryFill],
            ...plus(get(l.to), times(get(l.wo), int(16))),
            ...set(l.to),
          ],
        ),
      ]
      const pack = [
        ...get(l.scratch),
        ...set(l.to),
        ...forLoop(
          l.p,
          get(l.panelTo),
          int(1),
          [
            ...[...get(l.p), ...get(l.groups), ...divU, ...set(l.tap)],
            ...[...minus(get(l.p), times(get(l.tap), get(l.groups))), ...set(l.q)],
            ...[...get(l.tap), ...get(l.kw), ...divU, ...set(l.a)],
            ...[...minus(get(l.tap), times(get(l.a), get(l.kw))), ...set(l.b)],
            ...forLoop(
              l.img,
              plus(get(l.first), get(l.count)),
              int(1),
              forLoop(l.i, get(l.ho), int(1), outputRow),
              get(l.first),
            ),
          ],
          get(l.panelFrom),
        ),
      ]

      // ---- the 4 × 8 tile at (panel p, columns tile..tile+7), accumulated over the block's pixels ----
      const tile: Code = [
        // ap = scratch + (p − panelFrom)·pixels·16, bp = dy + first·Ho·Wo·Co·4 + tile, cp = out + p·4·Co·4 + tile
        ...plus(get(l.scratch), times(minus(get(l.p), get(l.panelFrom)), times(get(l.pixels), int(16)))),
        ...set(l.ap),
        ...plus(
          plus(get(l.dy), times(times(get(l.first), times(get(l.ho), get(l.wo))), get(l.coBytes))),
          get(l.tile),
        ),
        ...set(l.bp),
        ...plus(plus(get(l.out), times(get(l.p), times(int(4), get(l.coBytes)))), get(l.tile)),
        ...set(l.cp),
        ...gemmTile(
          {
            ...l,
            depth: l.pixels,
            bStride: l.coBytes,
            cStride: l.coBytes,
            accumulators: tileAccumulators(l),
          },
          { fused, accumulate: true },
        ),
      ]
      const multiply = forLoop(
        l.p,
        get(l.panelTo),
        int(1),
        forLoop(l.tile, get(l.coBytes), int(32), tile),
        get(l.panelFrom),
      )

      return [
        ...[...get(l.ci), ...int(4), ...divU, ...set(l.groups)],
        ...[...times(get(l.ci), int(4)), ...set(l.pixelBytes)],
        ...[...times(get(l.co), int(4)), ...set(l.coBytes)],
        // Every tile has its four rows.
        ...[...int(4), ...set(l.valid)],
        // The call's rows start at zero; every block adds to them.
        ...plus(get(l.out), times(get(l.panelFrom), times(int(4), get(l.coBytes)))),
        ...int(0),
        ...times(minus(get(l.panelTo), get(l.panelFrom)), times(int(4), get(l.coBytes))),
        ...memoryFill,
        ...forLoop(l.first, get(l.n), get(l.blockImages), [
          // count = min(blockImages, n − first)
          ...get(l.blockImages),
          ...minus(get(l.n), get(l.first)),
          ...get(l.blockImages),
          ...minus(get(l.n), get(l.first)),
          ...ltU,
          ...select,
          ...set(l.count),
          ...times(get(l.count), times(get(l.ho), get(l.wo))),
          ...set(l.pixels),
          ...pack,
          ...multiply,
        ]),
      ]
    },
  )
}
