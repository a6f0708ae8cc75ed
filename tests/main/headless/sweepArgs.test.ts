import { describe, expect, it } from 'vitest'
import { parseAxis } from '../../../src/main/headless/sweepArgs'

describe('--axis', () => {
  it('reads numbers as numbers and words as text', () => {
    expect(parseAxis('system.seed=41,42,43')).toEqual({ path: 'system.seed', values: [41, 42, 43] })
    expect(parseAxis('sparsity.exploration=soft-bound, classic')).toEqual({
      path: 'sparsity.exploration',
      values: ['soft-bound', 'classic'],
    })
  })

  it('says how to write an axis when it is malformed', () => {
    expect(() => parseAxis('system.seed')).toThrow(/path=v1,v2/)
    expect(() => parseAxis('system.seed=1,,2')).toThrow(/empty value/)
  })
})
