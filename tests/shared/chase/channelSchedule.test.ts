import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { channelSparsityAt } from '../../../src/shared/chase/channelSchedule'

describe('Sc(s), the channel sparsity (§4.3)', () => {
  const cubic = { sparsity: 0.5, endStep: 65_000, shape: 'cubic' as const }

  it('gives the VGG-19 event targets 0.154, 0.279, 0.370, 0.432, 0.470, 0.490, 0.498, 0.500', () => {
    const steps = [7500, 15500, 23500, 31500, 39500, 47500, 55500, 63500]
    const expected = [0.154, 0.279, 0.37, 0.432, 0.47, 0.49, 0.498, 0.5]
    steps.forEach((s, i) => expect(channelSparsityAt(s, cubic)).toBeCloseTo(expected[i]!, 3))
  })

  it('gives 0.0114 at the first ResNet-50 event (step 500)', () => {
    expect(channelSparsityAt(500, cubic)).toBeCloseTo(0.0114, 4)
  })

  it('is 0 before the start and Sc from T_c on, for both shapes', () => {
    for (const shape of ['cubic', 'cosine'] as const) {
      const schedule = { ...cubic, shape }
      expect(channelSparsityAt(0, schedule)).toBe(0)
      expect(channelSparsityAt(65_000, schedule)).toBe(0.5)
      expect(channelSparsityAt(70_000, schedule)).toBe(0.5)
    }
  })

  it('cosine ramps as Sc·(1 − cos(π s/T_c))/2', () => {
    expect(channelSparsityAt(32_500, { ...cubic, shape: 'cosine' })).toBeCloseTo(0.25, 12)
  })

  it('never decreases', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10, max: 70_000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.constantFrom('cubic', 'cosine'),
        (s, ds, shape) => {
          const schedule = { ...cubic, shape: shape as 'cubic' | 'cosine' }
          expect(channelSparsityAt(s + ds, schedule)).toBeGreaterThanOrEqual(
            channelSparsityAt(s, schedule) - 1e-15,
          )
        },
      ),
    )
  })
})
