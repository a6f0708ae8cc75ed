import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import type { ModelSpec } from '../../shared/models/modelSpec'
import { learningRateAt } from '../../shared/optim/learningRate'
import { Rng } from '../../shared/rng'
import { SparseEngine } from '../chase/sparseEngine'
import { Sgd } from '../chase/sgd'
import { createParameters, type ModelParams } from '../model/parameters'

/** Independent RNG streams of one run (the data pipeline uses its own, 1001+). */
export const rngStreams = { init: 2, masks: 3 } as const

/** What one run trains: the parameters, our SGD, and the sparse engine that masks both. */
export interface TrainingParts {
  readonly params: ModelParams
  /** Null when only parameters and masks are restored (the best checkpoint carries no momentum). */
  readonly optimizer: Sgd | null
  readonly engine: SparseEngine
}

/**
 * Seeded parameters, the optimizer at the first epoch's learning rate, and the engine with its initial
 * masks applied: the same for the trainer and the benchmarks, so both time and train the same thing.
 */
export function createTrainingParts(
  spec: ModelSpec,
  config: ExperimentConfig,
  stepsPerEpoch: number,
): TrainingParts & { readonly optimizer: Sgd } {
  const seed = config.system.seed
  const params = createParameters(spec, Rng.fromSeed(seed, rngStreams.init))
  const optimizer = new Sgd(new Map([...params].filter(([, v]) => v.trainable)), {
    learningRate: learningRateAt(0, config.optim),
    momentum: config.optim.momentum,
    weightDecay: config.optim.weightDecay,
  })
  const engine = SparseEngine.create({
    spec,
    config,
    params,
    optimizer,
    rng: Rng.fromSeed(seed, rngStreams.masks),
    stepsPerEpoch,
  })
  return { params, optimizer, engine }
}
