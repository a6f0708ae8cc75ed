import { describe, expect, it } from 'vitest'
import { Rng } from '../../../../src/shared/rng'
import { relaxedSimdSupported } from '../../../../src/trainer/backend/wasm/simdKernels'
import { assembleModule } from '../../../../src/trainer/backend/wasm/simd/assembler'
import { convolutionPanels } from '../../../../src/trainer/backend/wasm/simd/convolutionPanels'
import { filterGradientPanels } from '../../../../src/trainer/backend/wasm/simd/filterGradientPanels'
import { parityTolerance, randomValues, relativeError } from './parity'

/**
 * The two matrix-product kernels on a memory of their own, in both variants (relaxed SIMD's fused
 * multiply-add and plain mul + add), against the convolution sums in float64.
 */
const shape = { n: 3, h: 5, w: 7, ci: 8, co: 16, kh: 3, kw: 3, sh: 2, sw: 1, top: 1, left: 0 }
const ho = Math.floor((shape.h + 2 * shape.top - shape.kh) / shape.sh) + 1
const wo = shape.w - shape.kw + 1
const rng = Rng.fromSeed(12)
const x = randomValues(rng, shape.n * shape.h * shape.w * shape.ci)
const filter = randomValues(rng, shape.kh * shape.kw * shape.ci * shape.co)
const dy = randomValues(rng, shape.n * ho * wo * shape.co)

/** x at (img, input row r, input column c, channel ch), zero outside the image. */
function input(img: number, r: number, c: number, ch: number): number {
  if (r < 0 || r >= shape.h || c < 0 || c >= shape.w) return 0
  return x[((img * shape.h + r) * shape.w + c) * shape.ci + ch]!
}

function expectedConvolution(): Float64Array {
  const { n, ci, co, kh, kw, sh, sw, top, left } = shape
  const y = new Float64Array(n * ho * wo * co)
  for (let img = 0; img < n; img++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++)
        for (let o = 0; o < co; o++) {
          let sum = 0
          for (let a = 0; a < kh; a++)
            for (let b = 0; b < kw; b++)
              for (let c = 0; c < ci; c++)
                sum +=
                  input(img, sh * i + a - top, sw * j + b - left, c) *
                  filter[((a * kw + b) * ci + c) * co + o]!
          y[((img * ho + i) * wo + j) * co + o] = sum
        }
  return y
}

function expectedFilterGradient(): Float64Array {
  const { n, ci, co, kh, kw, sh, sw, top, left } = shape
  const dw = new Float64Array(kh * kw * ci * co)
  for (let a = 0; a < kh; a++)
    for (let b = 0; b < kw; b++)
      for (let c = 0; c < ci; c++)
        for (let o = 0; o < co; o++) {
          let sum = 0
          for (let img = 0; img < n; img++)
            for (let i = 0; i < ho; i++)
              for (let j = 0; j < wo; j++)
                sum +=
                  input(img, sh * i + a - top, sw * j + b - left, c) * dy[((img * ho + i) * wo + j) * co + o]!
          dw[((a * kw + b) * ci + c) * co + o] = sum
        }
  return dw
}

/** Lays the arrays out in a fresh memory, runs `call` with their byte offsets, returns `outFloats` floats. */
function run(
  bytes: Uint8Array<ArrayBuffer>,
  name: string,
  arrays: Float32Array[],
  outFloats: number,
  args: (offsets: number[], out: number, scratch: number) => number[],
): Float32Array {
  const memory = new WebAssembly.Memory({ initial: 16 })
  const heap = new Float32Array(memory.buffer)
  const offsets: number[] = []
  let at = 64
  for (const array of arrays) {
    offsets.push(at)
    heap.set(array, at / 4)
    at += array.length * 4 + 64
  }
  const out = at
  const scratch = out + outFloats * 4 + 64
  // Garbage where results go: every output must be written.
  heap.fill(Number.NaN, out / 4, out / 4 + outFloats)
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })
  ;(exports[name] as (...a: number[]) => void)(...args(offsets, out, scratch))
  return heap.slice(out / 4, out / 4 + outFloats)
}

const variants = [
  ['mul + add', false],
  ['relaxed multiply-add', true],
] as const

describe('our matrix-product kernels against float64 sums', () => {
  it('has relaxed SIMD on this engine (turned on by flag where Node needs one)', () => {
    expect(relaxedSimdSupported()).toBe(true)
  })

  it.each(variants)('convolutionPanels, %s: all panels in groups of 2 and chunks of 20', (_, fused) => {
    const { n, h, w, ci, co, kh, kw, sh, sw, top, left } = shape
    const pixels = n * ho * wo
    const y = run(
      assembleModule([convolutionPanels(fused)], false),
      'convolutionPanels',
      [x, filter],
      pixels * co,
      (o, out, scratch) => [
        o[0]!,
        o[1]!,
        out,
        scratch,
        ...[n, h, w, ci, ho, wo, co, kh, kw, sh, sw, top, left, 2, 20, 0, Math.ceil(pixels / 4)],
      ],
    )
    expect(pixels % 4).not.toBe(0)
    expect(relativeError(y, expectedConvolution())).toBeLessThan(parityTolerance)
  })

  it.each(variants)('filterGradientPanels, %s: all panels in blocks of 2 images', (_, fused) => {
    const { n, h, w, ci, co, kh, kw, sh, sw, top, left } = shape
    const panels = (kh * kw * ci) / 4
    const dw = run(
      assembleModule([filterGradientPanels(fused)], false),
      'filterGradientPanels',
      [x, dy],
      panels * 4 * co,
      (o, out, scratch) => [
        o[0]!,
        o[1]!,
        out,
        scratch,
        ...[n, h, w, ci, ho, wo, co, kw, sh, sw, top, left, 2, 0, panels],
      ],
    )
    expect(relativeError(dw, expectedFilterGradient())).toBeLessThan(parityTolerance)
  })
})
