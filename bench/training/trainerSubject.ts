import * as tf from '@tensorflow/tfjs-core'
import { ExperimentConfig } from '../../src/shared/config/experimentConfig'
import type { BackendName } from '../../src/shared/backends/backendNames'
import type { ModelSpec } from '../../src/shared/models/modelSpec'
import { buildModel } from '../../src/shared/models/registry'
import { learningRateAt } from '../../src/shared/optim/learningRate'
import { Rng } from '../../src/shared/rng'
import type { SparseEngine } from '../../src/trainer/chase/sparseEngine'
import type { Sgd } from '../../src/trainer/chase/sgd'
import type { ModelParams } from '../../src/trainer/model/parameters'
import { TrainStep, type StepInput } from '../../src/trainer/training/trainStep'
import { createTrainingParts } from '../../src/trainer/training/trainingParts'

/** One benchmarked network: a registry model at an input size, class count, width and batch. */
export interface BenchCase {
  readonly arch: string
  readonly input: readonly [number, number, number]
  readonly classes: number
  readonly widthMultiplier: number
  readonly batch: number
}

/** How often the Chase engine acts, in steps, over a run of `epochs × stepsPerEpoch` steps. */
export interface ChaseCadence {
  /** ΔTp: prune-and-grow every this many steps. */
  readonly updateEvery: number
  /** ΔT: a channel event every this many steps (at ΔTp/2 before each multiple). */
  readonly channelEvery: number
  readonly stepsPerEpoch: number
  readonly epochs: number
}

/** Wall time of one training step by part, as runTraining's loop does them. */
export interface StepTiming {
  readonly totalMs: number
  /** Forward + backward + loss/accuracy read-back (`TrainStep.run`). */
  readonly trainMs: number
  readonly sgdMs: number
  /** `engine.onStep`: mask re-application, and the update or channel event when due. */
  readonly engineMs: number
  readonly maskUpdate: boolean
  readonly channelEvent: boolean
}

export function caseLabel(c: BenchCase): string {
  const width = c.widthMultiplier === 1 ? '' : ` ×${c.widthMultiplier}`
  return `${c.arch}${width} ${c.input.join('×')} b${c.batch}`
}

export function specOf(c: BenchCase): ModelSpec {
  return buildModel(c.arch, { input: c.input, classes: c.classes, widthMultiplier: c.widthMultiplier })
}

/** The run's config: the paper's Chase (d = 0.1, Sc = 0.5) at `cadence`, or the dense baseline. */
export function benchConfig(
  c: BenchCase,
  mode: 'chase' | 'dense',
  cadence: ChaseCadence,
  backend: BackendName = 'wasm',
): ExperimentConfig {
  const chase = mode === 'chase'
  return ExperimentConfig.parse({
    model: { arch: c.arch, widthMultiplier: c.widthMultiplier },
    data: { dataset: 'synthetic' },
    optim: { epochs: cadence.epochs, batchSize: c.batch, lr: 0.1, momentum: 0.9, weightDecay: 5e-4 },
    sparsity: chase
      ? { density: 0.1, updateInterval: { value: cadence.updateEvery, unit: 'steps' } }
      : { enabled: false },
    channels: chase
      ? { sparsity: 0.5, interval: { value: cadence.channelEvery, unit: 'steps' } }
      : { enabled: false },
    system: { backend },
  })
}

/**
 * The trainer's real per-step code on synthetic data: `TrainStep` (forward, backward, BN statistics),
 * `Sgd` (momentum 0.9, weight decay), `SparseEngine.onStep`, disposal of the gradients, wired exactly
 * as runTraining wires them. A few fixed random batches are cycled (data loading is benched elsewhere).
 */
export class TrainerSubject {
  private readonly batches: StepInput[]
  private next = 0

  private constructor(
    readonly spec: ModelSpec,
    private readonly config: ExperimentConfig,
    private readonly params: ModelParams,
    private readonly optimizer: Sgd,
    readonly engine: SparseEngine,
    private readonly trainStep: TrainStep,
    private readonly stepsPerEpoch: number,
    c: BenchCase,
    rng: Rng,
  ) {
    this.batches = Array.from({ length: 4 }, () => syntheticBatch(c, rng))
  }

  static create(c: BenchCase, config: ExperimentConfig, cadence: ChaseCadence, seed = 41): TrainerSubject {
    const spec = specOf(c)
    // The seed lives in the config; the trainer's own setup, so the bench times exactly what a run trains.
    const seeded = { ...config, system: { ...config.system, seed } }
    const { params, optimizer, engine } = createTrainingParts(spec, seeded, cadence.stepsPerEpoch)
    return new TrainerSubject(
      spec,
      config,
      params,
      optimizer,
      engine,
      new TrainStep(spec, params),
      cadence.stepsPerEpoch,
      c,
      Rng.fromSeed(seed, 9),
    )
  }

  /**
   * Trains step `step` (1-based; the engine acts on update and channel-event steps). The step's reads
   * may be async (webgpu has no synchronous read in Node): awaiting keeps the timing whole either way.
   */
  async step(step: number): Promise<StepTiming> {
    const batch = this.batches[this.next++ % this.batches.length]!
    const t0 = performance.now()
    this.optimizer.learningRate = learningRateAt(
      Math.floor((step - 1) / this.stepsPerEpoch),
      this.config.optim,
    )
    const { grads } = await this.trainStep.run(batch)
    const t1 = performance.now()
    this.optimizer.step(grads)
    const t2 = performance.now()
    const { channelEvent, maskUpdate } = await this.engine.onStep(step, grads)
    tf.dispose([...grads.values()])
    const t3 = performance.now()
    return {
      totalMs: t3 - t0,
      trainMs: t1 - t0,
      sgdMs: t2 - t1,
      engineMs: t3 - t2,
      maskUpdate: maskUpdate !== null,
      channelEvent: channelEvent !== null,
    }
  }

  dispose(): void {
    this.engine.dispose()
    this.optimizer.dispose()
    for (const variable of this.params.values()) variable.dispose()
  }
}

/** Standard-normal NHWC images (already "normalised") and uniform labels. */
function syntheticBatch(c: BenchCase, rng: Rng): StepInput {
  const [h, w, ch] = c.input
  const images = new Float32Array(c.batch * h * w * ch)
  for (let i = 0; i < images.length; i++) images[i] = rng.normal()
  const labels = new Int32Array(c.batch)
  for (let i = 0; i < labels.length; i++) labels[i] = rng.int(c.classes)
  return { images, labels, shape: [c.batch, h, w, ch] }
}
