import { DatasetError, formatCount } from './datasetError'

/**
 * Images held in memory as uint8, NHWC (image, row, column, channel), with one uint8 label each.
 * The pixels live in a SharedArrayBuffer so the prefetch worker reads them without a copy.
 */
export interface ImageSet {
  readonly images: Uint8Array
  readonly labels: Uint8Array
  readonly count: number
  /** Height, width, channels of one image. */
  readonly shape: readonly [number, number, number]
}

export function imageBytes(shape: readonly [number, number, number]): number {
  return shape[0] * shape[1] * shape[2]
}

/** An empty set of `count` images, its pixels in shared memory. */
export function allocateImageSet(count: number, shape: readonly [number, number, number]): ImageSet {
  const images = new Uint8Array(new SharedArrayBuffer(count * imageBytes(shape)))
  return { images, labels: new Uint8Array(count), count, shape }
}

/** The images of several sets one after the other (e.g. data_batch_1…5); a single set is returned as is. */
export function concatImageSets(sets: readonly ImageSet[]): ImageSet {
  if (sets.length === 1) return sets[0]!
  const shape = sets[0]!.shape
  const total = sets.reduce((n, s) => n + s.count, 0)
  const out = allocateImageSet(total, shape)
  let at = 0
  for (const set of sets) {
    out.images.set(set.images, at * imageBytes(shape))
    out.labels.set(set.labels, at)
    at += set.count
  }
  return out
}

/** The first `limit` images (a view, no copy), for `trainLimit` / `testLimit`. */
export function takeFirst(set: ImageSet, limit: number | undefined): ImageSet {
  if (limit === undefined || limit >= set.count) return set
  return {
    images: set.images.subarray(0, limit * imageBytes(set.shape)),
    labels: set.labels.subarray(0, limit),
    count: limit,
    shape: set.shape,
  }
}

/** Throws when a label is not a class index, naming the file and the first bad record. */
export function checkLabels(labels: Uint8Array, classes: number, file: string, what = 'label'): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= classes) {
      throw new DatasetError(
        `${file}: record ${formatCount(i)} has ${what} ${labels[i]}, outside 0-${classes - 1}: ` +
          'the file is corrupt or belongs to another dataset; download it again',
        file,
      )
    }
  }
}
