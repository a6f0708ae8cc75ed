import * as tf from '@tensorflow/tfjs-core'
import type { MaskEntry } from './maskEntry'
import { replaceMasks, recountNonzeros } from './maskEntry'
import type { Rng } from '../../shared/rng'
import type { GradientMap } from './sgd'
import { selectLargest, selectSmallest, type Selection } from './selectExtremes'

export interface MaskChange {
  /** Weights removed or added. */
  readonly count: number
  /** Prune: the largest |w| removed; grow: the smallest |∂L/∂w| added; null when nothing changed. */
  readonly threshold: number | null
}

/**
 * Global magnitude death (§3.5, decision 2): removes exactly `count` of the smallest-|w| active weights
 * across every tensor (ties to the lower global index), then recounts. Masks only: apply them after.
 */
export async function pruneSmallest(entries: readonly MaskEntry[], count: number): Promise<MaskChange> {
  const active = entries.reduce((sum, e) => sum + e.nnz, 0)
  const k = Math.min(Math.max(0, Math.floor(count)), active)
  if (k === 0) return { count: 0, threshold: null }
  // Inactive entries score +∞ so they are never among the k smallest.
  return changeMasks(
    entries,
    -1,
    () =>
      entries.map((e) => tf.where(tf.greater(e.mask, 0), tf.abs(e.weight as tf.Tensor), tf.scalar(Infinity))),
    (scores) => selectSmallest(scores, k),
  )
}

/**
 * Global gradient growth (§3.6, decision 2): adds exactly `count` zero entries of the alive region with
 * the largest dense |∂L/∂w| (ties, zero gradients included, to the lower global index), clamped to the
 * zeros available; then recounts. `region(entry)` is the alive region (null: the whole tensor). The grown
 * weights are 0 with 0 momentum already, because masks were applied after the optimizer step.
 */
export async function growLargest(
  entries: readonly MaskEntry[],
  grads: GradientMap,
  count: number,
  region: (entry: MaskEntry) => tf.Tensor | null,
): Promise<MaskChange> {
  const zeros = entries.reduce((sum, e) => sum + e.aliveSize - e.nnz, 0)
  const k = Math.min(Math.max(0, Math.floor(count)), zeros)
  if (k === 0) return { count: 0, threshold: null }
  return changeMasks(
    entries,
    1,
    () =>
      entries.map((e) => {
        const grad = grads.get(e.layout.tensor)
        if (!grad)
          throw new Error(
            `no gradient for "${e.layout.tensor}": pass the dense gradient of every maskable weight`,
          )
        const alive = region(e)
        const zero = tf.equal(e.mask, 0)
        const candidate = alive ? tf.logicalAnd(zero, tf.greater(alive, 0)) : zero
        // Non-candidates score −1, below every |gradient|.
        return tf.where(candidate, tf.abs(grad), tf.scalar(-1))
      }),
    (scores) => selectLargest(scores, k),
  )
}

/**
 * Random regrowth (SET, §3.7 `random_growth`): adds exactly `count` zero entries of the alive region drawn
 * uniformly from `rng`, clamped to the zeros available. The draw covers every entry in tensor order, so
 * the choice is a function of the rng's state alone.
 */
export async function growRandom(
  entries: readonly MaskEntry[],
  count: number,
  region: (entry: MaskEntry) => tf.Tensor | null,
  rng: Rng,
): Promise<MaskChange> {
  const zeros = entries.reduce((sum, e) => sum + e.aliveSize - e.nnz, 0)
  const k = Math.min(Math.max(0, Math.floor(count)), zeros)
  if (k === 0) return { count: 0, threshold: null }
  const draws = entries.map((e) => {
    const values = new Float32Array(e.layout.size)
    for (let i = 0; i < values.length; i++) values[i] = rng.next()
    return values
  })
  // A random draw's k-th value says nothing about the weights: no threshold is reported.
  const change = await changeMasks(
    entries,
    1,
    () =>
      entries.map((e, i) => {
        const alive = region(e)
        const zero = tf.equal(e.mask, 0)
        const candidate = alive ? tf.logicalAnd(zero, tf.greater(alive, 0)) : zero
        return tf.where(candidate, tf.tensor(draws[i]!, [...e.layout.shape]), tf.scalar(-1))
      }),
    (scores) => selectLargest(scores, k),
  )
  return { count: change.count, threshold: null }
}

/** Scores the entries, selects, adds `sign` × the selection to the masks, swaps them in and recounts. */
async function changeMasks(
  entries: readonly MaskEntry[],
  sign: 1 | -1,
  score: () => tf.Tensor[],
  select: (scores: readonly tf.Tensor[]) => Promise<Selection>,
): Promise<MaskChange> {
  const scores = tf.tidy(score)
  let selection: Selection
  try {
    selection = await select(scores)
  } finally {
    tf.dispose(scores)
  }
  const { selected, threshold } = selection
  const masks = tf.tidy(() =>
    entries.map((e, i) => (sign === 1 ? tf.add(e.mask, selected[i]!) : tf.sub(e.mask, selected[i]!))),
  )
  tf.dispose(selected)
  const before = entries.reduce((sum, e) => sum + e.nnz, 0)
  replaceMasks(entries, masks)
  await recountNonzeros(entries)
  return { count: Math.abs(entries.reduce((sum, e) => sum + e.nnz, 0) - before), threshold }
}
