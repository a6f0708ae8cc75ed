import { describe, expect, it } from 'vitest'
import { allocateImageSet } from '../../../src/trainer/data/imageSet'
import { classCounts, splitValidation } from '../../../src/trainer/data/split'

function labelledSet(labels: number[]) {
  const set = allocateImageSet(labels.length, [1, 1, 1])
  set.labels.set(labels)
  return set
}

// 3 classes of 50, 30 and 20 images.
const set = labelledSet(Array.from({ length: 100 }, (_, i) => (i < 50 ? 0 : i < 80 ? 1 : 2)))

describe('splitValidation', () => {
  it('holds out round(count × fraction) images, disjoint from training, covering the set', () => {
    const { train, validation } = splitValidation(set, 0.15, 41, { classes: 3 })
    expect(validation!.count).toBe(15)
    expect(train.count).toBe(85)
    const all = [...train.indices, ...validation!.indices].sort((a, b) => a - b)
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i))
  })

  it("keeps each class's share when stratified", () => {
    const { validation } = splitValidation(set, 0.1, 41, { classes: 3 })
    expect(classCounts(validation!, 3)).toEqual([5, 3, 2])
  })

  it('spreads the rounding by largest remainder, hitting the total exactly', () => {
    const odd = labelledSet([0, 0, 0, 1, 1, 1, 2, 2, 2, 2])
    const { validation } = splitValidation(odd, 0.35, 41, { classes: 3 }) // 3.5 → 4 images
    const counts = classCounts(validation!, 3)
    expect(counts.reduce((a, b) => a + b)).toBe(4)
    expect(counts).toEqual([1, 1, 2])
  })

  it('is the same for the same seed and differs for another', () => {
    const a = splitValidation(set, 0.2, 41, { classes: 3 }).validation!.indices
    const b = splitValidation(set, 0.2, 41, { classes: 3 }).validation!.indices
    const c = splitValidation(set, 0.2, 42, { classes: 3 }).validation!.indices
    expect([...a]).toEqual([...b])
    expect([...a]).not.toEqual([...c])
  })

  it('can split without stratifying', () => {
    const { validation } = splitValidation(set, 0.3, 41, { classes: 3, stratify: false })
    expect(validation!.count).toBe(30)
  })

  it('returns no validation split for a zero fraction', () => {
    const { train, validation } = splitValidation(set, 0, 41, { classes: 3 })
    expect(validation).toBeNull()
    expect(train.count).toBe(100)
  })
})
