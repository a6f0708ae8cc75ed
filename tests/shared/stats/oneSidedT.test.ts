import { describe, expect, it } from 'vitest'
import { meanStd } from '../../../src/shared/stats/meanStd'
import { lowerBound95, tQuantile95, upperBound95 } from '../../../src/shared/stats/oneSidedT'

describe('one-sided 95 % bounds on a mean over seeds', () => {
  it('uses Student’s t for the degrees of freedom', () => {
    expect(tQuantile95(2)).toBe(2.92)
    expect(tQuantile95(9)).toBe(1.833)
    expect(tQuantile95(200)).toBe(1.645)
    expect(() => tQuantile95(0)).toThrow(/degrees of freedom/)
  })

  it('bounds the mean of three seeds by t·s/√n on either side', () => {
    const sample = meanStd([1, 2, 3])! // mean 2, s = 1
    expect(lowerBound95(sample)).toBeCloseTo(2 - 2.92 / Math.sqrt(3), 12)
    expect(upperBound95(sample)).toBeCloseTo(2 + 2.92 / Math.sqrt(3), 12)
  })

  it('claims nothing from one seed', () => {
    expect(lowerBound95(meanStd([5]))).toBeNull()
    expect(upperBound95(meanStd([]))).toBeNull()
  })

  it('covers the true mean about 95 % of the time (simulated normal seeds)', () => {
    let state = 12345
    const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) + 0.5) / 2 ** 32
    const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
    let covered = 0
    const trials = 4000
    for (let i = 0; i < trials; i++) {
      const bound = lowerBound95(meanStd([normal(), normal(), normal()]))!
      if (bound < 0) covered++
    }
    expect(covered / trials).toBeGreaterThan(0.93)
    expect(covered / trials).toBeLessThan(0.97)
  })
})
