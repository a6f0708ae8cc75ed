import type { Rng } from '../../shared/rng'

/**
 * A random 0/1 mask with exactly round(density·size) ones (partial Fisher–Yates on the smaller side).
 * The official code draws each entry independently and lets the first prune fix the count; exact counts
 * put the net on its budget from step 1 and keep the run a function of the seed alone.
 */
export function sampleMask(size: number, density: number, rng: Rng): Uint8Array {
  const ones = Math.min(size, Math.max(0, Math.round(density * size)))
  const mask = new Uint8Array(size)
  const pickOnes = ones <= size / 2
  const picks = pickOnes ? ones : size - ones
  if (!pickOnes) mask.fill(1)
  if (picks === 0) return mask
  const order = new Int32Array(size)
  for (let i = 0; i < size; i++) order[i] = i
  for (let i = 0; i < picks; i++) {
    const j = i + rng.int(size - i)
    const chosen = order[j]!
    order[j] = order[i]!
    order[i] = chosen
    mask[chosen] = pickOnes ? 1 : 0
  }
  return mask
}
