import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  classicPruneCount,
  maskableWeightCount,
  nonzeroTarget,
  parameterBudget,
} from '../../../src/shared/chase/budget'

describe('budget', () => {
  it('counts N over every shape', () => {
    expect(
      maskableWeightCount([
        [3, 3, 3, 64],
        [512, 100],
      ]),
    ).toBe(1728 + 51_200)
  })

  it('keeps d·N as a float and aims updates at round(target·N)', () => {
    expect(parameterBudget(0.1, 23_652_032)).toBeCloseTo(2_365_203.2, 6)
    expect(nonzeroTarget(0.1, 23_652_032)).toBe(2_365_203)
  })

  it('prunes ⌈rate·nnz⌉ in classic DST without float noise', () => {
    expect(classicPruneCount(0.05, 2000)).toBe(100)
    expect(classicPruneCount(0.0467, 1000)).toBe(47)
  })

  it('aims within half a weight of the float target', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 50_000_000 }),
        (d, n) => {
          expect(Math.abs(nonzeroTarget(d, n) - d * n)).toBeLessThanOrEqual(0.5 + 1e-6)
        },
      ),
    )
  })
})
