import { describe, expect, it } from 'vitest'
import { downsampleLttb, evenlySpacedIndices } from '../../../src/main/host/downsample'

describe('downsampleLttb', () => {
  const steps = Array.from({ length: 1000 }, (_, i) => i)

  it('keeps the first and last points and exactly the asked count', () => {
    const values = steps.map((s) => Math.sin(s / 50))
    const out = downsampleLttb(steps, values, 100)
    expect(out.steps).toHaveLength(100)
    expect(out.steps[0]).toBe(0)
    expect(out.steps.at(-1)).toBe(999)
    expect([...out.steps].sort((a, b) => a - b)).toEqual(out.steps)
  })

  it('keeps a single spike that averaging would flatten', () => {
    const values = steps.map((s) => (s === 437 ? 100 : 1))
    expect(downsampleLttb(steps, values, 20).values).toContain(100)
  })

  it('returns short series unchanged', () => {
    expect(downsampleLttb([1, 2, 3], [4, 5, 6], 10)).toEqual({ steps: [1, 2, 3], values: [4, 5, 6] })
  })
})

describe('evenlySpacedIndices', () => {
  it('spreads picks over the range and always includes the last', () => {
    expect(evenlySpacedIndices(10, 3)).toEqual([0, 5, 9])
    expect(evenlySpacedIndices(10, 1)).toEqual([9])
    expect(evenlySpacedIndices(3, 5)).toEqual([0, 1, 2])
  })
})
