/**
 * The trainer's data pipeline: load a dataset (`loadDataset`), then stream its batches
 * (`createBatchStream` for training, `createEvalStream` for validation and test passes).
 * `findDatasets` and `downloadDataset` serve `doctor` and the download prompt.
 */
export { loadDataset, type LoadedDataset, type LoadDatasetOptions } from './loadDataset'
export {
  BatchStream,
  createBatchStream,
  createEvalStream,
  type Batch,
  type BatchStreamOptions,
  type BatchStreamStats,
} from './batchStream'
export { BatchStreamState, checkBatchStreamState } from './batchStreamState'
export {
  describeAugmentation,
  noAugmentation,
  resolveAugmentation,
  type AugmentationSettings,
} from './augment'
export { splitLabels, type DataSplit } from './split'
export type { ImageSet } from './imageSet'
export { DatasetError } from './datasetError'
export {
  downloadDataset,
  findDatasets,
  inspectDatasetFolder,
  locateDataset,
  type DatasetStatus,
  type DownloadDatasetOptions,
} from './datasetManager'
export { dataRoot, searchRoots, type LocateOptions } from './datasetLocations'
export { datasetSources, formatSteps, manualSteps, type DatasetSource } from './datasetSources'
export { DownloadError, type DownloadProgress } from './download'
export { generateSynthetic, SYNTHETIC_DATASET_SEED } from './synthetic'
