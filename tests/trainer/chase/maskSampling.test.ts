import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { sampleMask } from '../../../src/trainer/chase/maskSampling'
import { Rng } from '../../../src/shared/rng'

const ones = (mask: Uint8Array) => mask.reduce((a, b) => a + b, 0)

describe('sampleMask', () => {
  it('sets exactly round(density·size) entries', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(),
        (size, d, seed) => {
          expect(ones(sampleMask(size, d, Rng.fromSeed(seed)))).toBe(Math.round(d * size))
        },
      ),
    )
  })

  it('is a function of the seed', () => {
    expect(sampleMask(1000, 0.3, Rng.fromSeed(7))).toEqual(sampleMask(1000, 0.3, Rng.fromSeed(7)))
    expect(sampleMask(1000, 0.3, Rng.fromSeed(7))).not.toEqual(sampleMask(1000, 0.3, Rng.fromSeed(8)))
  })

  it('spreads the ones over the whole tensor', () => {
    const mask = sampleMask(10_000, 0.5, Rng.fromSeed(3))
    expect(ones(mask.subarray(0, 5000))).toBeGreaterThan(2300)
    expect(ones(mask.subarray(5000))).toBeGreaterThan(2300)
  })
})
