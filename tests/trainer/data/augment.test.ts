import { describe, expect, it } from 'vitest'
import { ExperimentConfig } from '../../../src/shared/config/experimentConfig'
import { Rng } from '../../../src/shared/rng'
import { drawAugmentation, fillBatch, resolveAugmentation } from '../../../src/trainer/data/augment'
import { normalizationTable } from '../../../src/trainer/data/normalize'

const identity = Float32Array.from({ length: 256 }, (_, v) => v)
const image = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]) // 3×3×1

function crop(offsetY: number, offsetX: number, flip: boolean, reflect: boolean, padding = 1): number[][] {
  const out = new Float32Array(9)
  fillBatch(
    out,
    image,
    identity,
    3,
    3,
    1,
    Int32Array.of(0),
    Uint8Array.of(offsetY),
    Uint8Array.of(offsetX),
    Uint8Array.of(flip ? 1 : 0),
    padding,
    reflect,
  )
  return [[...out.subarray(0, 3)], [...out.subarray(3, 6)], [...out.subarray(6, 9)]]
}

describe('fillBatch', () => {
  it('reflects without repeating the edge, as torchvision pads', () => {
    expect(crop(0, 0, false, true)).toEqual([
      [5, 4, 5],
      [2, 1, 2],
      [5, 4, 5],
    ])
    expect(crop(2, 2, false, true)).toEqual([
      [5, 6, 5],
      [8, 9, 8],
      [5, 6, 5],
    ])
  })

  it('pads black pixels with zero padding', () => {
    expect(crop(0, 0, false, false)).toEqual([
      [0, 0, 0],
      [0, 1, 2],
      [0, 4, 5],
    ])
  })

  it('flips the crop left-right', () => {
    expect(crop(0, 1, true, true)).toEqual([
      [6, 5, 4],
      [3, 2, 1],
      [6, 5, 4],
    ])
  })

  it('copies the image unchanged at the centre offset', () => {
    expect(crop(1, 1, false, false)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ])
  })

  it('normalises every channel with its own mean and std, padding included', () => {
    const table = normalizationTable([0.5, 0], [0.25, 1])
    const rgb = new Uint8Array([255, 255]) // 1×1×2
    const out = new Float32Array(2)
    fillBatch(
      out,
      rgb,
      table,
      1,
      1,
      2,
      Int32Array.of(0),
      Uint8Array.of(1),
      Uint8Array.of(1),
      Uint8Array.of(0),
      1,
      false,
    )
    expect(out[0]).toBeCloseTo(2)
    expect(out[1]).toBeCloseTo(1)
    fillBatch(
      out,
      rgb,
      table,
      1,
      1,
      2,
      Int32Array.of(0),
      Uint8Array.of(0),
      Uint8Array.of(0),
      Uint8Array.of(0),
      1,
      false,
    )
    expect(out[0]).toBeCloseTo(-2)
    expect(out[1]).toBeCloseTo(0)
  })
})

describe('resolveAugmentation', () => {
  const data = (input: Record<string, unknown> = {}) => ExperimentConfig.parse({ data: input }).data

  it('crops with reflect padding and flips for CIFAR-10 by default', () => {
    expect(resolveAugmentation(data(), 'cifar10', [32, 32, 3])).toEqual({
      crop: true,
      flip: true,
      padding: 4,
      paddingMode: 'reflect',
    })
  })

  it('pads CIFAR-100 with zeros, as its official loader does', () => {
    expect(resolveAugmentation(data(), 'cifar100', [32, 32, 3]).paddingMode).toBe('zero')
  })

  it('does not augment (Fashion-)MNIST or the synthetic set by default', () => {
    for (const name of ['mnist', 'fashion-mnist', 'synthetic'] as const) {
      expect(resolveAugmentation(data(), name, [28, 28, 1])).toMatchObject({ crop: false, flip: false })
    }
  })

  it('follows an explicit choice', () => {
    const settings = resolveAugmentation(
      data({ augmentation: 'crop', padding: 'reflect', cropPadding: 2 }),
      'fashion-mnist',
      [28, 28, 1],
    )
    expect(settings).toEqual({ crop: true, flip: false, padding: 2, paddingMode: 'reflect' })
  })

  it('refuses reflect padding as wide as the image', () => {
    expect(() =>
      resolveAugmentation(
        data({ augmentation: 'crop-flip', padding: 'reflect', cropPadding: 16 }),
        'synthetic',
        [16, 16, 3],
      ),
    ).toThrow('data.cropPadding 16 is too large for reflect padding of 16×16 images: use at most 15')
  })
})

describe('drawAugmentation', () => {
  it('draws every crop offset in [0, 2·padding] and flips about half the images', () => {
    const draws = drawAugmentation(Rng.fromSeed(1), 20_000, {
      crop: true,
      flip: true,
      padding: 4,
      paddingMode: 'zero',
    })
    expect(new Set(draws.offsetsY)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8]))
    expect(new Set(draws.offsetsX).size).toBe(9)
    const flipped = draws.flips.reduce((a, b) => a + b, 0) / 20_000
    expect(flipped).toBeGreaterThan(0.47)
    expect(flipped).toBeLessThan(0.53)
  })

  it('gives the same draws from the same Rng state', () => {
    const settings = { crop: true, flip: true, padding: 4, paddingMode: 'reflect' } as const
    const a = drawAugmentation(Rng.fromSeed(9), 50, settings)
    const b = drawAugmentation(Rng.fromSeed(9), 50, settings)
    expect(a).toEqual(b)
  })
})
