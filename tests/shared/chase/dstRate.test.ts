import { describe, expect, it } from 'vitest'
import { dstRateAt } from '../../../src/shared/chase/dstRate'

describe('dst_rate(s), the classic-DST rate (§3.2)', () => {
  it('matches the README run at 65000/70000/75000/80000', () => {
    const schedule = { start: 0.5, end: 0.005, totalSteps: 80_000 }
    const expected: [number, number][] = [
      [65000, 0.04671],
      [70000, 0.02384],
      [75000, 0.00976],
      [80000, 0.005],
    ]
    for (const [step, value] of expected) expect(dstRateAt(step, schedule)).toBeCloseTo(value, 5)
  })
})
