import * as tf from '@tensorflow/tfjs-core'
import { readValues } from './readValues'
import type { MaskedTensor } from '../../shared/chase/maskLayout'

/** One maskable weight as the engine holds it: the variable, its 0/1 mask, and cached counts. */
export interface MaskEntry {
  readonly layout: MaskedTensor
  readonly weight: tf.Variable
  readonly bias: tf.Variable | null
  /** 0/1 float32 of the weight's shape, kept outside any tidy; always inside the alive region. */
  mask: tf.Tensor
  /** Ones in the mask. */
  nnz: number
  /** Entries of the alive region (the size when no channel is removed). */
  aliveSize: number
}

/** Recounts every entry's nonzeros with one download. */
export async function recountNonzeros(entries: readonly MaskEntry[]): Promise<void> {
  if (entries.length === 0) return
  // A float32 sum of 0/1 is exact below 2^24 entries, and saves a cast pass; larger tensors count in int32.
  const counts = await readValues(() =>
    tf.stack(
      entries.map((e) =>
        e.layout.size < 2 ** 24 ? tf.cast(tf.sum(e.mask), 'int32') : tf.sum(tf.cast(e.mask, 'int32')),
      ),
    ),
  )
  entries.forEach((entry, i) => (entry.nnz = counts[i]!))
}

/** Replaces masks with tensors computed in a tidy (returned, so kept), disposing the old ones. */
export function replaceMasks(entries: readonly MaskEntry[], next: readonly (tf.Tensor | null)[]): void {
  entries.forEach((entry, i) => {
    const mask = next[i]
    if (!mask || mask === entry.mask) return
    entry.mask.dispose()
    entry.mask = mask
  })
}
