import { describe, expect, it } from 'vitest'
import { pairedGap } from '../../../src/shared/stats/pairedGap'

const pairs = (gaps: number[]) =>
  gaps.map((g, i) => ({ seed: 41 + i, reference: 60 + i, candidate: 60 + i + g }))

describe('the gap between paired results over seeds', () => {
  it('shows a mean gap within the tolerance only when both one-sided bounds are inside it', () => {
    const close = pairedGap(pairs([0.2, -0.1, 0.3, 0.0, 0.1]), 1)
    expect(close.verdict).toBe('within')
    expect(close.seedsWithin).toBe(5)
    expect(close.lower!).toBeGreaterThan(-1)
    expect(close.upper!).toBeLessThan(1)
    // The same mean with a wide spread shows nothing.
    expect(pairedGap(pairs([2.5, -2.0, 1.5, -1.8, 0.3]), 1).verdict).toBe('not shown')
  })

  it('shows a gap beyond the tolerance when a bound lies past it', () => {
    const far = pairedGap(pairs([3.1, 2.8, 3.3]), 1)
    expect(far.verdict).toBe('outside')
    expect(far.seedsWithin).toBe(0)
    expect(pairedGap(pairs([-3.1, -2.8, -3.3]), 1).verdict).toBe('outside')
  })

  it('takes candidate minus reference per seed, and claims nothing from one seed', () => {
    const one = pairedGap([{ seed: 41, reference: 66.65, candidate: 68.2 }], 1)
    expect(one.gaps[0]).toBeCloseTo(1.55, 10)
    expect(one.seedsWithin).toBe(0)
    expect(one.verdict).toBe('not shown')
    expect(one.lower).toBeNull()
    expect(() => pairedGap([], 0)).toThrow(/tolerance/)
  })
})
