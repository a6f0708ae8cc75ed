import { Rng, type RngState } from '../../shared/rng'
import {
  drawAugmentation,
  noAugmentation,
  type AugmentationDraws,
  type AugmentationSettings,
} from './augment'
import { checkBatchStreamState, type BatchStreamState } from './batchStreamState'
import { DatasetError } from './datasetError'
import { dataRngStreams } from './rngStreams'
import type { DataSplit } from './split'

/**
 * Decides, in order and on the main thread, which images make each batch and how each is augmented.
 * Everything random happens here, so a batch depends only on the seed and its position, never on when
 * its pixels are prepared. Each epoch shuffles the split afresh (from the identity) with the order Rng.
 */
export interface BatchPlan {
  readonly epoch: number
  readonly indexInEpoch: number
  readonly lastInEpoch: boolean
  /** Indices into the split's `ImageSet`. */
  readonly sourceIndices: Int32Array
  readonly labels: Int32Array
  readonly draws: AugmentationDraws
  /** The stream's state once this batch is delivered. */
  readonly stateAfter: BatchStreamState
}

export interface BatchPlannerOptions {
  readonly batchSize: number
  readonly seed: number
  readonly augmentation?: AugmentationSettings
  /** Shuffle each epoch (training); off for evaluation passes. Default true. */
  readonly shuffle?: boolean
  /** Drop the last, smaller batch of each epoch. Default false (as the official loaders). */
  readonly dropLast?: boolean
}

export class BatchPlanner {
  readonly batchesPerEpoch: number
  private readonly augmentation: AugmentationSettings
  private readonly shuffle: boolean
  private orderRng: Rng
  private augmentRng: Rng
  private epoch = 0
  private batchInEpoch = 0
  private epochOrder: Int32Array | null = null
  private epochStartOrderState: RngState

  constructor(
    private readonly split: DataSplit,
    private readonly options: BatchPlannerOptions,
    resumeFrom?: unknown,
  ) {
    const { batchSize } = options
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new Error(`batch size must be a whole number ≥ 1, got ${batchSize}`)
    this.batchesPerEpoch = options.dropLast
      ? Math.floor(split.count / batchSize)
      : Math.ceil(split.count / batchSize)
    if (this.batchesPerEpoch === 0) {
      throw new DatasetError(
        `The ${split.role} split has ${split.count} images, fewer than one batch of ${batchSize}: ` +
          'lower the batch size or use more images',
      )
    }
    this.augmentation = options.augmentation ?? noAugmentation
    this.shuffle = options.shuffle ?? true
    this.orderRng = Rng.fromSeed(options.seed, dataRngStreams.epochOrder)
    this.augmentRng = Rng.fromSeed(options.seed, dataRngStreams.augmentation)
    this.epochStartOrderState = this.orderRng.state()
    if (resumeFrom !== undefined) this.restore(resumeFrom)
  }

  /** Where the planner stands: the state after the last planned batch. */
  state(): BatchStreamState {
    return {
      version: 1,
      epoch: this.epoch,
      batchInEpoch: this.batchInEpoch,
      orderRng: [...(this.epochOrder === null ? this.orderRng.state() : this.epochStartOrderState)],
      augmentRng: [...this.augmentRng.state()],
      splitSize: this.split.count,
      batchSize: this.options.batchSize,
    }
  }

  restore(state: unknown): void {
    const s = checkBatchStreamState(state, {
      splitSize: this.split.count,
      batchSize: this.options.batchSize,
      batchesPerEpoch: this.batchesPerEpoch,
    })
    this.orderRng = Rng.fromState(s.orderRng)
    this.augmentRng = Rng.fromState(s.augmentRng)
    this.epoch = s.epoch
    this.batchInEpoch = s.batchInEpoch
    this.epochOrder = null
  }

  plan(): BatchPlan {
    const order = this.epochOrder ?? this.startEpoch()
    const { batchSize } = this.options
    const start = this.batchInEpoch * batchSize
    const end = Math.min(start + batchSize, this.split.count)
    const sourceIndices = new Int32Array(end - start)
    const labels = new Int32Array(end - start)
    for (let k = start; k < end; k++) {
      const source = this.split.indices[order[k]!]!
      sourceIndices[k - start] = source
      labels[k - start] = this.split.set.labels[source]!
    }
    const draws = drawAugmentation(this.augmentRng, sourceIndices.length, this.augmentation)
    const epoch = this.epoch
    const indexInEpoch = this.batchInEpoch
    const lastInEpoch = indexInEpoch === this.batchesPerEpoch - 1
    if (lastInEpoch) {
      this.epoch++
      this.batchInEpoch = 0
      this.epochOrder = null
    } else {
      this.batchInEpoch++
    }
    return { epoch, indexInEpoch, lastInEpoch, sourceIndices, labels, draws, stateAfter: this.state() }
  }

  private startEpoch(): Int32Array {
    this.epochStartOrderState = this.orderRng.state()
    const order = Int32Array.from({ length: this.split.count }, (_, i) => i)
    if (this.shuffle) this.orderRng.shuffle(order)
    this.epochOrder = order
    return order
  }
}
