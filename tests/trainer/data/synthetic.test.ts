import { describe, expect, it } from 'vitest'
import { datasets } from '../../../src/shared/data/datasets'
import type { ImageSet } from '../../../src/trainer/data/imageSet'
import { generateSynthetic } from '../../../src/trainer/data/synthetic'

/** Per image: mean |horizontal|, |vertical|, |diagonal| and |anti-diagonal| neighbour differences. */
function orientationFeatures(set: ImageSet, i: number): number[] {
  const [h, w, c] = set.shape
  const px = (y: number, x: number) => {
    let sum = 0
    for (let k = 0; k < c; k++) sum += set.images[i * h * w * c + (y * w + x) * c + k]!
    return sum / c
  }
  const f = [0, 0, 0, 0]
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      f[0]! += Math.abs(px(y, x + 1) - px(y, x))
      f[1]! += Math.abs(px(y + 1, x) - px(y, x))
      f[2]! += Math.abs(px(y + 1, x + 1) - px(y, x))
      f[3]! += Math.abs(px(y + 1, x - 1) - px(y, x))
    }
  }
  const total = f.reduce((a, b) => a + b)
  return f.map((v) => v / total)
}

describe('generateSynthetic', () => {
  it('has the shape and sizes of its DatasetInfo', () => {
    const { train, test } = generateSynthetic()
    const info = datasets.synthetic
    expect(train.shape).toEqual(info.input)
    expect(train.count).toBe(info.trainSize)
    expect(test.count).toBe(info.testSize)
    expect(new Set(train.labels)).toEqual(new Set([0, 1, 2, 3]))
  })

  it('balances its classes', () => {
    const { train } = generateSynthetic({ trainSize: 400, testSize: 4 })
    const counts = [0, 0, 0, 0]
    for (const label of train.labels) counts[label]!++
    expect(counts).toEqual([100, 100, 100, 100])
  })

  it('gives the same bytes for the same seed and others for another', () => {
    const a = generateSynthetic({ seed: 1, trainSize: 20, testSize: 4 })
    const b = generateSynthetic({ seed: 1, trainSize: 20, testSize: 4 })
    const c = generateSynthetic({ seed: 2, trainSize: 20, testSize: 4 })
    expect(Buffer.from(a.train.images).equals(Buffer.from(b.train.images))).toBe(true)
    expect(Buffer.from(a.test.images).equals(Buffer.from(b.test.images))).toBe(true)
    expect(Buffer.from(a.train.images).equals(Buffer.from(c.train.images))).toBe(false)
  })

  it('is learnable: a nearest-centroid rule on stripe orientation beats chance by far', () => {
    const { train, test } = generateSynthetic({ trainSize: 400, testSize: 200 })
    const centroids = [0, 1, 2, 3].map(() => [0, 0, 0, 0])
    const counts = [0, 0, 0, 0]
    for (let i = 0; i < train.count; i++) {
      const label = train.labels[i]!
      orientationFeatures(train, i).forEach((v, k) => (centroids[label]![k]! += v))
      counts[label]!++
    }
    centroids.forEach((c, label) => c.forEach((_, k) => (c[k]! /= counts[label]!)))
    let correct = 0
    for (let i = 0; i < test.count; i++) {
      const f = orientationFeatures(test, i)
      const distances = centroids.map((c) => c.reduce((d, v, k) => d + (v - f[k]!) ** 2, 0))
      if (distances.indexOf(Math.min(...distances)) === test.labels[i]) correct++
    }
    expect(correct / test.count).toBeGreaterThan(0.7)
  })
})
