import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { softBoundDensityAt } from '../../../src/shared/chase/densitySchedule'

const paperDr = { density: 0.1, increment: 0.05, endStep: 65_000, shape: 'cosine' as const }

describe('dr(s), the soft-bound density (chase-spec.md §3.2)', () => {
  it('matches the README run at 1000/16000/32000/48000/64000', () => {
    const expected: [number, number][] = [
      [1000, 0.14997],
      [16000, 0.14289],
      [32000, 0.1256],
      [48000, 0.10797],
      [64000, 0.10003],
    ]
    for (const [step, value] of expected) expect(softBoundDensityAt(step, paperDr)).toBeCloseTo(value, 5)
  })

  it('starts at d + Δ and ends at d', () => {
    expect(softBoundDensityAt(0, paperDr)).toBeCloseTo(0.15, 12)
    expect(softBoundDensityAt(65_000, paperDr)).toBe(0.1)
    expect(softBoundDensityAt(90_000, paperDr)).toBe(0.1)
  })

  it('linear falls on a straight line from d + Δ to d', () => {
    const linear = { ...paperDr, shape: 'linear' as const }
    expect(softBoundDensityAt(32_500, linear)).toBeCloseTo(0.125, 12)
    expect(softBoundDensityAt(65_000, linear)).toBe(0.1)
  })

  it('never rises and stays within [d, d + Δ]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom('cosine', 'linear'),
        (s, ds, shape) => {
          const schedule = { ...paperDr, shape: shape as 'cosine' | 'linear' }
          const a = softBoundDensityAt(s, schedule)
          const b = softBoundDensityAt(s + ds, schedule)
          expect(b).toBeLessThanOrEqual(a + 1e-15)
          expect(a).toBeGreaterThanOrEqual(0.1 - 1e-15)
          expect(a).toBeLessThanOrEqual(0.15 + 1e-15)
        },
      ),
    )
  })
})
