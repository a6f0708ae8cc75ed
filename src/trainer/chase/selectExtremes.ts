import * as tf from '@tensorflow/tfjs-core'

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
 * (SplitV is slow on wasm). One download of two scalars. Call inside tf.tidy.
 */
export function selectLargest(parts: readonly tf.Tensor[], k: number): Selection {
  const size = parts.reduce((sum, p) => sum + p.size, 0)
  const count = Math.min(Math.max(0, Math.floor(k)), size)
  if (count === 0) return { selected: parts.map((p) => tf.zerosLike(p)), threshold: null }
  const all =
    parts.length === 1 ? tf.reshape(parts[0]!, [-1]) : tf.concat(parts.map((p) => tf.reshape(p, [-1])))
  const thresholdTensor = tf.min(tf.topk(all, count, false).values)
  const atLeast = parts.map((p) => tf.greaterEqual(p, thresholdTensor))
  // Counted in int32: a float32 sum stops being exact past 2^24.
  const reaching = tf.addN(atLeast.map((a) => tf.sum(tf.cast(a, 'int32'))))
  const exact = tf.equal(reaching, tf.scalar(count, 'int32'))
  const [threshold, noBoundaryTie] = tf.stack([thresholdTensor, tf.cast(exact, 'float32')]).dataSync()
  // Continuous scores rarely tie at the boundary: then the k entries ≥ the threshold are the answer.
  if (noBoundaryTie === 1)
    return { selected: atLeast.map((a) => tf.cast(a, 'float32')), threshold: threshold! }
  const above = parts.map((p) => tf.greater(p, thresholdTensor))
  const wantedTies = tf.sub(tf.scalar(count, 'int32'), tf.addN(above.map((a) => tf.sum(tf.cast(a, 'int32')))))
  const tieFlags = parts.map((p) => tf.equal(p, thresholdTensor))
  const ties = tieFlags.map((t) => tf.cast(t, 'int32'))
  // Ties in earlier parts come first: each part's running count starts after theirs.
  const offsets = tf.cumsum(tf.stack(ties.map((t) => tf.sum(t))), 0, true)
  const selected = parts.map((p, i) => {
    // Compare against a per-part scalar, not a broadcast add: wasm's broadcasting int32 Add is slow.
    const wantedHere = tf.sub(wantedTies, tf.reshape(tf.slice(offsets, [i], [1]), []))
    const rank = tf.reshape(tf.cumsum(tf.reshape(ties[i]!, [-1])), p.shape)
    const takenTie = tf.logicalAnd(tieFlags[i]!, tf.lessEqual(rank, wantedHere))
    return tf.cast(tf.logicalOr(above[i]!, takenTie), 'float32')
  })
  return { selected, threshold: threshold! }
}

/** Exactly `k` entries with the smallest scores, ties to the lower index; the threshold is the k-th smallest. */
export function selectSmallest(parts: readonly tf.Tensor[], k: number): Selection {
  const { selected, threshold } = selectLargest(
    parts.map((p) => tf.neg(p)),
    k,
  )
  return { selected, threshold: threshold === null ? null : -threshold }
}
