import { Rng } from '../../shared/rng'
import type { ImageSet } from './imageSet'
import { dataRngStreams } from './rngStreams'

/**
 * A part of a dataset the trainer iterates over: image indices into a loaded `ImageSet` (a view: the
 * training and validation splits share the pixels of the training set).
 */
export interface DataSplit {
  readonly role: 'train' | 'validation' | 'test'
  readonly set: ImageSet
  /** Indices into `set`, ascending. */
  readonly indices: Int32Array
  readonly count: number
}

/** Every image of a set, in file order. */
export function wholeSplit(role: DataSplit['role'], set: ImageSet): DataSplit {
  return { role, set, indices: Int32Array.from({ length: set.count }, (_, i) => i), count: set.count }
}

/** The labels of a split, in its order. */
export function splitLabels(split: DataSplit): Int32Array {
  return Int32Array.from(split.indices, (i) => split.set.labels[i]!)
}

/** Images per class in a split. */
export function classCounts(split: DataSplit, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0)
  for (const i of split.indices) counts[split.set.labels[i]!]!++
  return counts
}

export interface ValidationSplitOptions {
  /** Keep each class's share in both parts (default true): a small subset still validates on every class. */
  readonly stratify?: boolean
  readonly classes: number
}

/**
 * Holds out `round(count × fraction)` training images for validation, chosen with the run's seed
 * (its own Rng stream). Stratified, each class gives its share, the rounding spread by largest remainder.
 * Returns a null validation split when nothing is held out.
 */
export function splitValidation(
  set: ImageSet,
  fraction: number,
  seed: number,
  options: ValidationSplitOptions,
): { train: DataSplit; validation: DataSplit | null } {
  const held = Math.round(set.count * fraction)
  if (held === 0) return { train: wholeSplit('train', set), validation: null }
  const rng = Rng.fromSeed(seed, dataRngStreams.validationSplit)
  const chosen =
    options.stratify === false ? pickUniform(set, held, rng) : pickStratified(set, held, rng, options)
  const isHeld = new Uint8Array(set.count)
  for (const i of chosen) isHeld[i] = 1
  const train: number[] = []
  const validation: number[] = []
  for (let i = 0; i < set.count; i++) (isHeld[i] ? validation : train).push(i)
  return {
    train: { role: 'train', set, indices: Int32Array.from(train), count: train.length },
    validation: { role: 'validation', set, indices: Int32Array.from(validation), count: validation.length },
  }
}

function pickUniform(set: ImageSet, held: number, rng: Rng): Int32Array {
  const all = Int32Array.from({ length: set.count }, (_, i) => i)
  rng.shuffle(all)
  return all.subarray(0, held)
}

function pickStratified(set: ImageSet, held: number, rng: Rng, options: ValidationSplitOptions): number[] {
  const members: number[][] = Array.from({ length: options.classes }, () => [])
  for (let i = 0; i < set.count; i++) members[set.labels[i]!]!.push(i)
  const fraction = held / set.count
  const quotas = members.map((m) => Math.floor(m.length * fraction))
  // Largest remainder, ties to the lower class index, so the total is exactly `held`.
  const byRemainder = members
    .map((m, c) => ({ c, remainder: m.length * fraction - quotas[c]! }))
    .sort((a, b) => b.remainder - a.remainder || a.c - b.c)
  let missing = held - quotas.reduce((a, b) => a + b, 0)
  for (const { c } of byRemainder) {
    if (missing === 0) break
    if (quotas[c]! < members[c]!.length) {
      quotas[c]!++
      missing--
    }
  }
  const chosen: number[] = []
  members.forEach((m, c) => {
    rng.shuffle(m)
    chosen.push(...m.slice(0, quotas[c]))
  })
  return chosen
}
