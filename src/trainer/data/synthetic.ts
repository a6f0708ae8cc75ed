import { Rng } from '../../shared/rng'
import { datasets, type DatasetInfo } from '../../shared/data/datasets'
import { allocateImageSet, type ImageSet } from './imageSet'
import { dataRngStreams } from './rngStreams'

/**
 * A generated dataset for demos and tests: each class is a stripe orientation (horizontal, vertical,
 * diagonal, rings) with a random frequency, phase and amplitude, tinted with a colour that matches the
 * class only half the time, plus Gaussian pixel noise. A small CNN learns it in a few epochs; colour alone
 * does not solve it. The same seed gives the same bytes.
 */

/** The dataset's own seed: fixed so that runs with different training seeds see the same data. */
export const SYNTHETIC_DATASET_SEED = 20_230_530

const PALETTE: readonly (readonly [number, number, number])[] = [
  [1, 0.35, 0.35],
  [0.35, 1, 0.35],
  [0.35, 0.35, 1],
  [1, 1, 0.3],
]

export interface SyntheticOptions {
  readonly seed?: number
  readonly info?: DatasetInfo
  readonly trainSize?: number
  readonly testSize?: number
}

export function generateSynthetic(options: SyntheticOptions = {}): { train: ImageSet; test: ImageSet } {
  const seed = options.seed ?? SYNTHETIC_DATASET_SEED
  const info = options.info ?? datasets.synthetic
  return {
    train: generateImages(
      Rng.fromSeed(seed, dataRngStreams.syntheticTrain),
      options.trainSize ?? info.trainSize,
      info,
    ),
    test: generateImages(
      Rng.fromSeed(seed, dataRngStreams.syntheticTest),
      options.testSize ?? info.testSize,
      info,
    ),
  }
}

function generateImages(rng: Rng, count: number, info: DatasetInfo): ImageSet {
  const [height, width, channels] = info.input
  const set = allocateImageSet(count, info.input)
  // Balanced classes in a seeded order.
  const order = Int32Array.from({ length: count }, (_, i) => i % info.classes)
  rng.shuffle(order)
  set.labels.set(order)
  const pixels = height * width * channels
  for (let i = 0; i < count; i++) {
    drawImage(set.images.subarray(i * pixels, (i + 1) * pixels), order[i]!, rng, info.input)
  }
  return set
}

function drawImage(out: Uint8Array, label: number, rng: Rng, shape: readonly [number, number, number]): void {
  const [height, width, channels] = shape
  const cycles = 1.5 + 1.5 * rng.next()
  const phase = 2 * Math.PI * rng.next()
  const amplitude = 50 + 40 * rng.next()
  const tint = PALETTE[rng.next() < 0.5 ? label % PALETTE.length : rng.int(PALETTE.length)]!
  const centreY = height / 2 + (rng.next() - 0.5) * 4
  const centreX = width / 2 + (rng.next() - 0.5) * 4
  const k = (2 * Math.PI * cycles) / Math.max(height, width)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const wave = Math.sin(k * coordinate(label, y, x, centreY, centreX) + phase)
      for (let c = 0; c < channels; c++) {
        const value = 128 + amplitude * wave * tint[c % 3]! + 24 * rng.normal()
        out[(y * width + x) * channels + c] = Math.max(0, Math.min(255, Math.round(value)))
      }
    }
  }
}

/** The coordinate the stripes of each class run across. */
function coordinate(label: number, y: number, x: number, centreY: number, centreX: number): number {
  switch (label % 4) {
    case 0:
      return y
    case 1:
      return x
    case 2:
      return (x + y) / Math.SQRT2
    default:
      return Math.hypot(y - centreY, x - centreX)
  }
}
