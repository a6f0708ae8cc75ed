import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import type { DatasetName } from '../../shared/data/datasets'
import type { Rng } from '../../shared/rng'
import { DatasetError } from './datasetError'

/**
 * Training-time augmentation as the official CIFAR loaders do it: pad by `padding` pixels (zeros, or a
 * mirror without repeating the edge, like torchvision's `reflect`), take a random crop of the original
 * size, then flip left-right with probability ½. The random draws are made on the main thread in batch
 * order (`drawAugmentation`), the pixels are written by `fillBatch` wherever it runs, so the result does
 * not depend on timing.
 */
export interface AugmentationSettings {
  readonly crop: boolean
  readonly flip: boolean
  /** Pixels padded on each side before the crop (0 when `crop` is off). */
  readonly padding: number
  readonly paddingMode: 'zero' | 'reflect'
}

export const noAugmentation: AugmentationSettings = {
  crop: false,
  flip: false,
  padding: 0,
  paddingMode: 'zero',
}

type AugmentationConfig = Pick<ExperimentConfig['data'], 'augmentation' | 'padding' | 'cropPadding'>

/**
 * The config's choice for this dataset: `auto` = pad-crop + flip for CIFAR, none otherwise;
 * padding `auto` = reflect for CIFAR-10, zero for CIFAR-100 and the rest (spec §1.3).
 */
export function resolveAugmentation(
  config: AugmentationConfig,
  dataset: DatasetName,
  imageShape: readonly [number, number, number],
): AugmentationSettings {
  const cifar = dataset === 'cifar10' || dataset === 'cifar100'
  const mode = config.augmentation === 'auto' ? (cifar ? 'crop-flip' : 'none') : config.augmentation
  if (mode === 'none') return noAugmentation
  const paddingMode =
    config.padding === 'auto' ? (dataset === 'cifar10' ? 'reflect' : 'zero') : config.padding
  const padding = config.cropPadding
  const smallestSide = Math.min(imageShape[0], imageShape[1])
  if (paddingMode === 'reflect' && padding >= smallestSide) {
    throw new DatasetError(
      `data.cropPadding ${padding} is too large for reflect padding of ${imageShape[0]}×${imageShape[1]} images: ` +
        `use at most ${smallestSide - 1}, or zero padding`,
    )
  }
  return { crop: true, flip: mode === 'crop-flip', padding, paddingMode }
}

/** "pad 4 (reflect) + random crop + horizontal flip", for the run's notes. */
export function describeAugmentation(settings: AugmentationSettings): string {
  if (!settings.crop && !settings.flip) return 'none'
  const parts: string[] = []
  if (settings.crop) parts.push(`pad ${settings.padding} (${settings.paddingMode}) + random crop`)
  if (settings.flip) parts.push('horizontal flip')
  return parts.join(' + ')
}

/** The random choices for one batch: crop offsets in [0, 2·padding] and flips, one per image. */
export interface AugmentationDraws {
  readonly offsetsY: Uint8Array
  readonly offsetsX: Uint8Array
  readonly flips: Uint8Array
}

/** Draws a batch's crops and flips in a fixed order (per image: top, left, flip), as torchvision does. */
export function drawAugmentation(rng: Rng, count: number, settings: AugmentationSettings): AugmentationDraws {
  const offsetsY = new Uint8Array(count)
  const offsetsX = new Uint8Array(count)
  const flips = new Uint8Array(count)
  const span = 2 * settings.padding + 1
  for (let i = 0; i < count; i++) {
    if (settings.crop) {
      offsetsY[i] = rng.int(span)
      offsetsX[i] = rng.int(span)
    }
    if (settings.flip) flips[i] = rng.next() < 0.5 ? 1 : 0
  }
  return { offsetsY, offsetsX, flips }
}

/**
 * Writes a batch of normalised float images (NHWC) from uint8 source images: crop offset, flip and
 * padding per image, normalisation through `table` (see `normalizationTable`).
 * Self-contained on purpose (no imports, closures or inner functions): the prefetch worker runs this very
 * function from its source text, so both paths compute the same bytes.
 */
export function fillBatch(
  out: Float32Array,
  images: Uint8Array,
  table: Float32Array,
  height: number,
  width: number,
  channels: number,
  sourceIndices: Int32Array,
  offsetsY: Uint8Array,
  offsetsX: Uint8Array,
  flips: Uint8Array,
  padding: number,
  reflect: boolean,
): void {
  const imageSize = height * width * channels
  for (let b = 0; b < sourceIndices.length; b++) {
    const source = sourceIndices[b]! * imageSize
    const shiftY = offsetsY[b]! - padding
    const shiftX = offsetsX[b]! - padding
    const flip = flips[b] === 1
    let o = b * imageSize
    for (let y = 0; y < height; y++) {
      let sy = y + shiftY
      const rowInside = sy >= 0 && sy < height
      if (reflect) sy = sy < 0 ? -sy : sy >= height ? 2 * height - 2 - sy : sy
      for (let x = 0; x < width; x++) {
        let sx = (flip ? width - 1 - x : x) + shiftX
        const inside = rowInside && sx >= 0 && sx < width
        if (reflect) sx = sx < 0 ? -sx : sx >= width ? 2 * width - 2 - sx : sx
        if (inside || reflect) {
          const s = source + (sy * width + sx) * channels
          for (let c = 0; c < channels; c++) out[o++] = table[c * 256 + images[s + c]!]!
        } else {
          // Zero padding pads black pixels before normalisation, as torchvision does.
          for (let c = 0; c < channels; c++) out[o++] = table[c * 256]!
        }
      }
    }
  }
}
