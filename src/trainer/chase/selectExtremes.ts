import * as tf from '@tensorflow/tfjs-core'
import { readValues } from './readValues'

export interface Selection {
  /** Per input part, same shape: 0/1 float32, 1 at exactly the selected entries. */
  readonly selected: tf.Tensor[]
  /** The score of the last entry taken (the k-th largest); null when k is 0. */
  readonly threshold: number | null
}

/**
 * Marks exactly `k` entries with the largest scores across all `parts` (read in order, each row-major:
 * one global index), ties at the boundary going to the lower index (decision 2). On the device: tf.topk
 * over the concatenation finds the k-th value; only when several entries share it does a cumulative
 * count pick the lowest-indexed ones. No backend's own tie order is relied on, and nothing is split back
 * (SplitV is slow on wasm). One download of two scalars, awaited (webgpu reads asynchronously), so
 * `parts` must be kept tensors (not inside a tidy); the selection is new tensors the caller disposes.
 */
export async function selectLargest(parts: readonly tf.Tensor[], k: number): Promise<Selection> {
  const size = parts.reduce((sum, p) => sum + p.size, 0)
  const count = Math.min(Math.max(0, Math.floor(k)), size)
  if (count === 0) return { selected: tf.tidy(() => parts.map((p) => tf.zerosLike(p))), threshold: null }
  const [threshold, noBoundaryTie] = await readValues(() => {
    const all =
      parts.length === 1 ? tf.reshape(parts[0]!, [-1]) : tf.concat(parts.map((p) => tf.reshape(p, [-1])))
    const kth = tf.min(tf.topk(all, count, false).values)
    // Counted in int32: a float32 sum stops being exact past 2^24.
    const reaching = tf.addN(parts.map((p) => tf.sum(tf.cast(tf.greaterEqual(p, kth), 'int32'))))
    return tf.stack([kth, tf.cast(tf.equal(reaching, tf.scalar(count, 'int32')), 'float32')])
  })
  const selected = tf.tidy(() => {
    // The k-th value came back as a float32, so this scalar equals it bit for bit.
    const thresholdTensor = tf.scalar(threshold!, 'float32')
    // Continuous scores rarely tie at the boundary: then the k entries ≥ the threshold are the answer.
    if (noBoundaryTie === 1) return parts.map((p) => tf.cast(tf.greaterEqual(p, thresholdTensor), 'float32'))
    const above = parts.map((p) => tf.greater(p, thresholdTensor))
    const wantedTies = tf.sub(
      tf.scalar(count, 'int32'),
      tf.addN(above.map((a) => tf.sum(tf.cast(a, 'int32')))),
    )
    const tieFlags = parts.map((p) => tf.equal(p, thresholdTensor))
    const ties = tieFlags.map((t) => tf.cast(t, 'int32'))
    // Ties in earlier parts come first: each part's running count starts after theirs.
    const offsets = tf.cumsum(tf.stack(ties.map((t) => tf.sum(t))), 0, true)
    return parts.map((p, i) => {
      // Compare against a per-part scalar, not a broadcast add: wasm's broadcasting int32 Add is slow.
      const wantedHere = tf.sub(wantedTies, tf.reshape(tf.slice(offsets, [i], [1]), []))
      const rank = tf.reshape(tf.cumsum(tf.reshape(ties[i]!, [-1])), p.shape)
      const takenTie = tf.logicalAnd(tieFlags[i]!, tf.lessEqual(rank, wantedHere))
      return tf.cast(tf.logicalOr(above[i]!, takenTie), 'float32')
    })
  })
  return { selected, threshold: threshold! }
}

/** Exactly `k` entries with the smallest scores, ties to the lower index; the threshold is the k-th smallest. */
export async function selectSmallest(parts: readonly tf.Tensor[], k: number): Promise<Selection> {
  const negated = tf.tidy(() => parts.map((p) => tf.neg(p)))
  try {
    const { selected, threshold } = await selectLargest(negated, k)
    return { selected, threshold: threshold === null ? null : -threshold }
  } finally {
    tf.dispose(negated)
  }
}
