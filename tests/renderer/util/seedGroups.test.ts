import { describe, expect, it } from 'vitest'
import { meanStd, meanStdSeries, paretoFront, seedGroups } from '../../../src/renderer/util/seedGroups'

describe('seed groups', () => {
  it('groups runs whose configs differ only in seed and name', () => {
    const groups = seedGroups(4, [
      { path: 'system.seed', values: ['1', '2', '3', '4'] },
      { path: 'name', values: ['"a"', '"b"', '"c"', '"d"'] },
      { path: 'channels.sparsity', values: ['0.5', '0.5', '0.3', '0.3'] },
    ])
    expect(groups.map((g) => g.members)).toEqual([
      [0, 1],
      [2, 3],
    ])
    expect(groups[0]!.label).toBe('channels.sparsity=0.5')
  })

  it('computes the sample mean and standard deviation, skipping missing values', () => {
    expect(meanStd([1, 2, 3, null])).toEqual({ mean: 2, std: 1, count: 3 })
    expect(meanStd([null])).toBeNull()
  })

  it('averages series on the first series steps, holding the last value of the others', () => {
    const stats = meanStdSeries([
      { steps: [1, 2, 3], values: [1, 2, 3] },
      { steps: [1, 3], values: [3, 5] },
    ])
    expect(stats.steps).toEqual([1, 2, 3])
    expect(stats.mean).toEqual([2, 2.5, 4])
  })

  it('keeps on the Pareto front only runs nothing beats on both accuracy and cost', () => {
    const points = [
      { x: 0.5, y: 0.9 },
      { x: 0.3, y: 0.85 },
      { x: 0.6, y: 0.88 },
      { x: 0.4, y: 0.91 },
    ]
    expect(paretoFront(points)).toEqual([1, 3])
  })
})
