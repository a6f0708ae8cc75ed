import { describe, expect, it } from 'vitest'
import { cosineAnneal } from '../../../src/shared/chase/cosineAnneal'

describe('cosineAnneal', () => {
  it('holds lo past the period instead of swinging back up', () => {
    expect(cosineAnneal(1, 0, 100, 150)).toBe(0)
    expect(cosineAnneal(1, 0, 100, 50)).toBeCloseTo(0.5, 12)
  })
})
