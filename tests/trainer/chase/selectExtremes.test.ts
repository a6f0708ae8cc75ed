import { beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { selectLargest, selectSmallest } from '../../../src/trainer/chase/selectExtremes'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** Reference: stable sort by score (descending), ties by index, take k. */
function reference(scores: number[], k: number, largest: boolean): number[] {
  const order = scores.map((s, i) => ({ s: Math.fround(s), i }))
  order.sort((a, b) => (largest ? b.s - a.s : a.s - b.s) || a.i - b.i)
  const picked = new Array<number>(scores.length).fill(0)
  for (const { i } of order.slice(0, k)) picked[i] = 1
  return picked
}

/** Runs the selection with `scores` cut into parts at `cuts` (each part 2-D when it splits evenly in two rows). */
async function run(
  scores: number[],
  k: number,
  largest: boolean,
  cuts: number[] = [],
): Promise<{ picked: number[]; threshold: number | null }> {
  const bounds = [0, ...cuts.filter((c) => c > 0 && c < scores.length).sort((a, b) => a - b), scores.length]
  const parts = bounds
    .slice(1)
    .map((end, i) => {
      const values = scores.slice(bounds[i], end)
      return values.length % 2 === 0 && values.length > 0
        ? tf.tensor2d(values, [2, values.length / 2])
        : tf.tensor1d(values)
    })
    .filter((p) => p.size > 0)
  const { selected, threshold } = await (largest ? selectLargest(parts, k) : selectSmallest(parts, k))
  const picked = selected.flatMap((t) => Array.from(t.dataSync()))
  tf.dispose([...parts, ...selected])
  return { picked, threshold }
}

describe('selectLargest / selectSmallest', () => {
  it('takes exactly k, ties at the boundary to the lower index', async () => {
    expect((await run([1, 3, 3, 3, 0], 2, true)).picked).toEqual([0, 1, 1, 0, 0])
    expect((await run([2, 0, 1, 0, 0], 2, false)).picked).toEqual([0, 1, 0, 1, 0])
  })

  it('reports the k-th value as the threshold', async () => {
    expect((await run([5, 1, 4, 2], 3, true)).threshold).toBe(2)
    expect((await run([5, 1, 4, 2], 2, false)).threshold).toBe(2)
  })

  it('selects nothing for k = 0 and everything for k ≥ n', async () => {
    expect(await run([1, 2], 0, true)).toEqual({ picked: [0, 0], threshold: null })
    expect((await run([1, 2], 5, false)).picked).toEqual([1, 1])
  })

  it('never counts an infinite non-candidate when k fits the finite ones', async () => {
    expect((await run([Infinity, 0.5, Infinity, 0.1], 2, false)).picked).toEqual([0, 1, 0, 1])
  })

  it('matches a stable sort on random scores with many ties', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 1, maxLength: 60 }),
        fc.nat(70),
        fc.boolean(),
        async (ints, k, largest) => {
          const scores = ints.map((v) => v / 4)
          expect((await run(scores, k, largest)).picked).toEqual(
            reference(scores, Math.min(k, scores.length), largest),
          )
        },
      ),
      { numRuns: 200 },
    )
  })

  it('does not leak tensors, ties or not', async () => {
    const input = tf.tensor1d([3, 1, 2, 2])
    const before = tf.memory().numTensors
    for (let k = 0; k < 10; k++) tf.dispose((await selectLargest([input], k % 4)).selected)
    for (let k = 0; k < 10; k++) tf.dispose((await selectSmallest([input], k % 4)).selected)
    expect(tf.memory().numTensors).toBe(before)
    input.dispose()
  })
})
