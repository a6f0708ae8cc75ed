import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { channelFloor } from '../../../src/shared/chase/channelFloors'

describe('channel floors ⌊C·(1 − Sc)·β⌋ (§4.1)', () => {
  it('gives the VGG-19 floors 6/12/25/51 at Sc 0.5, β 0.2', () => {
    expect([64, 128, 256, 512].map((c) => channelFloor(c, 0.5, 0.2))).toEqual([6, 12, 25, 51])
  })

  it('gives the ResNet-50 floors 16/32/64/128 at Sc 0.5, β 0.5', () => {
    expect([64, 128, 256, 512].map((c) => channelFloor(c, 0.5, 0.5))).toEqual([16, 32, 64, 128])
  })

  it('never lets a layer vanish', () => {
    expect(channelFloor(4, 0.9, 0.2)).toBe(1)
  })

  it('never exceeds the channels the schedule leaves, for β ≤ 1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4096 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (c, sc, beta) => {
          expect(channelFloor(c, sc, beta)).toBeLessThanOrEqual(Math.max(1, Math.ceil(c * (1 - sc))))
        },
      ),
    )
  })
})
