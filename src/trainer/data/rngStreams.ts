/**
 * The `Rng.fromSeed(seed, stream)` streams the data pipeline draws from, so the validation split, the
 * epoch order, augmentation and the generated dataset never share draws with each other or with model
 * initialisation and mask sampling (which use small stream numbers).
 */
export const dataRngStreams = {
  validationSplit: 1001,
  epochOrder: 1002,
  augmentation: 1003,
  syntheticTrain: 1004,
  syntheticTest: 1005,
} as const
