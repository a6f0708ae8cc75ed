import { fillBatch, noAugmentation, type AugmentationSettings } from './augment'
import { BatchPlanner, type BatchPlan } from './batchPlanner'
import type { BatchStreamState } from './batchStreamState'
import { normalizationTable } from './normalize'
import { PrefetchWorker } from './prefetchWorker'
import type { DataSplit } from './split'

/** One minibatch, ready to become tensors: `tf.tensor4d(images, shape)` and `tf.tensor1d(labels, 'int32')`. */
export interface Batch {
  /** Normalised pixels, NHWC. */
  readonly images: Float32Array
  readonly labels: Int32Array
  readonly size: number
  readonly shape: readonly [number, number, number, number]
  readonly epoch: number
  readonly indexInEpoch: number
  readonly lastInEpoch: boolean
  /** The stream's state after this batch: checkpoint it to resume right after this batch. */
  readonly state: BatchStreamState
}

export interface BatchStreamOptions {
  readonly batchSize: number
  /** The run's seed: epoch order and augmentation draw from their own streams of it. */
  readonly seed: number
  /** Per-channel mean and std (a `DatasetInfo` fits). */
  readonly normalization: { readonly mean: readonly number[]; readonly std: readonly number[] }
  /** Default: none (evaluation). Use `LoadedDataset.augmentation` for training. */
  readonly augmentation?: AugmentationSettings
  /** Shuffle each epoch. Default true; false for evaluation passes. */
  readonly shuffle?: boolean
  /** Drop each epoch's last, smaller batch. Default false (the official loaders keep it). */
  readonly dropLast?: boolean
  /**
   * Batches prepared ahead in a worker thread while the step runs. Default 2; 0 prepares each batch in
   * the calling thread when asked (no worker).
   */
  readonly prefetch?: number
  /** Resume from a checkpointed `Batch.state` / `stream.state()`. */
  readonly state?: BatchStreamState
}

/** How well input kept up with training. */
export interface BatchStreamStats {
  readonly batches: number
  /** Batches that were not ready when `next()` was called (the step waited for input). */
  readonly stalls: number
  /** Total time `next()` waited for pixels. */
  readonly waitedMs: number
  /** Total time spent writing pixels (in the worker when prefetching). */
  readonly prepareMs: number
  /** Why prefetching fell back to the calling thread, or null. */
  readonly prefetchFallback: string | null
}

/**
 * Delivers the batches of a split, epoch after epoch, deterministically from the seed: the same seed
 * and position give the same images, labels and augmentation, whether batches are prepared ahead in a
 * worker or on demand, and after a restore from a saved state.
 *
 * ```ts
 * const stream = createBatchStream(data.train, { batchSize: 100, seed, normalization: data.info,
 *   augmentation: data.augmentation, state: checkpoint?.dataState })
 * for (;;) { const batch = await stream.next(); …step…; if (batch.lastInEpoch) …evaluate… }
 * await stream.close()
 * ```
 * With `prefetch` > 0 the stream owns a worker thread: `close()` it when done (an idle worker does not
 * keep the process alive, but it holds its memory).
 */
export class BatchStream {
  readonly batchesPerEpoch: number
  private planner: BatchPlanner
  private readonly queue: { id: number; plan: BatchPlan }[] = []
  private readonly table: Float32Array
  private readonly augmentation: AugmentationSettings
  private readonly prefetch: number
  private worker: PrefetchWorker | null = null
  private nextId = 0
  private delivered: BatchStreamState
  private counters = { batches: 0, stalls: 0, waitedMs: 0, prepareMs: 0 }
  private fallback: string | null = null
  private closed = false

  constructor(
    readonly split: DataSplit,
    private readonly options: BatchStreamOptions,
  ) {
    this.planner = new BatchPlanner(split, options, options.state)
    this.batchesPerEpoch = this.planner.batchesPerEpoch
    this.delivered = this.planner.state()
    this.augmentation = options.augmentation ?? noAugmentation
    this.table = normalizationTable(options.normalization.mean, options.normalization.std)
    if (this.table.length !== 256 * split.set.shape[2]) {
      throw new Error(
        `normalisation has ${this.table.length / 256} channels, the images ${split.set.shape[2]}`,
      )
    }
    this.prefetch = Math.max(0, Math.floor(options.prefetch ?? 2))
    // Start preparing at once: the first batch is ready by the time the model is built.
    this.topUp(this.prefetch)
  }

  /** The next batch; with prefetching, usually ready already. */
  async next(): Promise<Batch> {
    if (this.closed) throw new Error('the batch stream is closed')
    this.topUp(1)
    const { id, plan } = this.queue.shift()!
    this.topUp(this.prefetch)
    const images = await this.pixels(id, plan)
    this.delivered = plan.stateAfter
    this.counters.batches++
    const [height, width, channels] = this.split.set.shape
    return {
      images,
      labels: plan.labels,
      size: plan.labels.length,
      shape: [plan.labels.length, height, width, channels],
      epoch: plan.epoch,
      indexInEpoch: plan.indexInEpoch,
      lastInEpoch: plan.lastInEpoch,
      state: plan.stateAfter,
    }
  }

  /** The state after the last batch `next()` delivered (batches prepared ahead do not count). */
  state(): BatchStreamState {
    return this.delivered
  }

  /** Continue from a saved state; batches prepared ahead are discarded. */
  restore(state: BatchStreamState): void {
    const planner = new BatchPlanner(this.split, this.options, state)
    this.planner = planner
    this.queue.length = 0
    this.worker?.discardPending(this.nextId)
    this.delivered = planner.state()
    this.topUp(this.prefetch)
  }

  stats(): BatchStreamStats {
    return { ...this.counters, prefetchFallback: this.fallback }
  }

  async close(): Promise<void> {
    this.closed = true
    await this.worker?.close()
    this.worker = null
  }

  /** Plans batches until `depth` are queued, handing each to the worker at once. */
  private topUp(depth: number): void {
    while (this.queue.length < depth) {
      const entry = { id: this.nextId++, plan: this.planner.plan() }
      this.queue.push(entry)
      const worker = this.prefetch > 0 ? this.ensureWorker() : null
      worker?.submit(entry.id, entry.plan)
    }
  }

  private async pixels(id: number, plan: BatchPlan): Promise<Float32Array> {
    const worker = this.worker
    if (worker === null || worker.failed !== null) return this.prepareHere(plan)
    const started = performance.now()
    let waited = false
    try {
      let prepared = worker.take(id)
      if (prepared === undefined) {
        waited = true
        this.counters.stalls++
        prepared = await worker.wait(id)
      }
      this.counters.prepareMs += prepared.prepareMs
      return prepared.images
    } catch (error) {
      // The worker died or failed: keep training with identical batches prepared here.
      this.fallback = (error as Error).message
      await this.worker?.close()
      return this.prepareHere(plan)
    } finally {
      if (waited) this.counters.waitedMs += performance.now() - started
    }
  }

  private prepareHere(plan: BatchPlan): Float32Array {
    const started = performance.now()
    const [height, width, channels] = this.split.set.shape
    const out = new Float32Array(plan.sourceIndices.length * height * width * channels)
    const { padding, paddingMode } = this.augmentation
    const { offsetsY, offsetsX, flips } = plan.draws
    fillBatch(
      out,
      this.split.set.images,
      this.table,
      height,
      width,
      channels,
      plan.sourceIndices,
      offsetsY,
      offsetsX,
      flips,
      padding,
      paddingMode === 'reflect',
    )
    const elapsed = performance.now() - started
    this.counters.prepareMs += elapsed
    // Prepared on demand: the caller waited for all of it.
    this.counters.stalls++
    this.counters.waitedMs += elapsed
    return out
  }

  private ensureWorker(): PrefetchWorker | null {
    if (this.worker === null && this.fallback === null) {
      try {
        const { padding, paddingMode } = this.augmentation
        this.worker = new PrefetchWorker(this.split.set, this.table, padding, paddingMode === 'reflect')
      } catch (error) {
        this.fallback = `could not start the prefetch worker: ${(error as Error).message}`
      }
    }
    return this.worker?.failed ? null : this.worker
  }
}

/** A stream over a split; see `BatchStream`. */
export function createBatchStream(split: DataSplit, options: BatchStreamOptions): BatchStream {
  return new BatchStream(split, options)
}

/**
 * An evaluation stream: file order, no augmentation. Make one per split and reuse it: each "epoch" is
 * one pass (`batchesPerEpoch` calls to `next()`), and the worker keeps the next pass's first batches ready.
 */
export function createEvalStream(
  split: DataSplit,
  options: Pick<BatchStreamOptions, 'batchSize' | 'normalization' | 'prefetch'>,
): BatchStream {
  return new BatchStream(split, { ...options, seed: 0, shuffle: false, augmentation: noAugmentation })
}
