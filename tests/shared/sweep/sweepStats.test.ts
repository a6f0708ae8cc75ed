import { describe, expect, it } from 'vitest'
import { foldSeeds, meanStd, paretoFront } from '../../../src/shared/sweep/sweepStats'

describe('sweep statistics', () => {
  it('gives the mean and the sample standard deviation, 0 for one value, null for none', () => {
    const m = meanStd([0.8, 0.9])!
    expect(m.mean).toBeCloseTo(0.85)
    expect(m.std).toBeCloseTo(Math.sqrt(0.005))
    expect(m.n).toBe(2)
    expect(meanStd([0.5])).toEqual({ mean: 0.5, std: 0, n: 1 })
    expect(meanStd([])).toBeNull()
  })

  it('folds cells that differ only in their seed into one row', () => {
    const rows = foldSeeds([
      { values: { 'system.seed': 41, 'channels.sparsity': 0 } },
      { values: { 'system.seed': 41, 'channels.sparsity': 0.3 } },
      { values: { 'system.seed': 42, 'channels.sparsity': 0 } },
      { values: { 'system.seed': 42, 'channels.sparsity': 0.3 } },
    ])
    expect(rows.map((r) => r.label)).toEqual(['channels.sparsity=0', 'channels.sparsity=0.3'])
    expect(rows.map((r) => r.members.length)).toEqual([2, 2])
    expect(foldSeeds([{ values: { 'system.seed': 1 } }])[0]!.label).toBe('all seeds')
  })

  it('keeps on the Pareto front only points no other point beats on both cost and accuracy', () => {
    const front = paretoFront([
      { cost: 1, value: 0.9 },
      { cost: 0.6, value: 0.88 },
      { cost: 0.7, value: 0.85 }, // beaten by the 0.6 point
      { cost: 0.4, value: 0.8 },
      { cost: 0.4, value: 0.7 }, // same cost, lower accuracy
      { cost: Number.NaN, value: 1 },
    ])
    expect(front).toEqual([3, 1, 0])
  })
})
