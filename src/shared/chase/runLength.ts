import type { ExperimentConfig } from '../config/experimentConfig'
import { trainImagesFor } from '../data/datasets'

export interface RunLength {
  /** Training images before the validation split (the published size or `data.trainLimit`). */
  readonly trainImages: number
  /** Images held out for checkpoint selection: round(trainImages · validationSplit). */
  readonly validationImages: number
  /** ⌈(trainImages − validationImages) / batch⌉: the official `len(train_loader)` with drop_last=False. */
  readonly stepsPerEpoch: number
  readonly epochs: number
  readonly totalSteps: number
}

/** The validation split the data loader holds out; the plan and the loader must agree on it. */
export function validationImageCount(trainImages: number, validationSplit: number): number {
  return Math.round(trainImages * validationSplit)
}

/**
 * Steps per epoch and in total, from the config alone. A dataset folder can hold fewer images than
 * published: the trainer then passes the real `stepsPerEpoch` to the plan instead.
 */
export function runLength(config: ExperimentConfig, stepsPerEpoch?: number): RunLength {
  const trainImages = trainImagesFor(config.data.dataset, config.data.trainLimit)
  const validationImages = validationImageCount(trainImages, config.data.validationSplit)
  const perEpoch = stepsPerEpoch ?? Math.ceil((trainImages - validationImages) / config.optim.batchSize)
  return {
    trainImages,
    validationImages,
    stepsPerEpoch: perEpoch,
    epochs: config.optim.epochs,
    totalSteps: perEpoch * config.optim.epochs,
  }
}
