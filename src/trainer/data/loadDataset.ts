import { resolve } from 'node:path'
import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import { datasets, type DatasetInfo } from '../../shared/data/datasets'
import { describeAugmentation, resolveAugmentation, type AugmentationSettings } from './augment'
import { readCifarFolder } from './cifarBinary'
import { DatasetError, formatCount } from './datasetError'
import { datasetFolderNames, searchRoots, type FileDatasetName, type LocateOptions } from './datasetLocations'
import { formatDownloadSize, formatSteps } from './datasetSources'
import { downloadDataset, locateDataset, type DatasetStatus } from './datasetManager'
import type { DownloadOptions } from './download'
import { takeFirst, type ImageSet } from './imageSet'
import { readMnistFolder } from './mnistFolder'
import { splitValidation, wholeSplit, type DataSplit } from './split'
import { generateSynthetic, SYNTHETIC_DATASET_SEED } from './synthetic'

/** A dataset ready for training: splits over uint8 images in memory, with everything said about them. */
export interface LoadedDataset {
  readonly info: DatasetInfo
  /** Training images after `trainLimit`, less the validation images. */
  readonly train: DataSplit
  /** The seeded validation split, or null when `validationSplit` is 0 (or rounds to no image). */
  readonly validation: DataSplit | null
  /** Test images after `testLimit`. */
  readonly test: DataSplit
  /** The training augmentation the config resolves to for this dataset. */
  readonly augmentation: AugmentationSettings
  /** The folder read, or null for the generated dataset. */
  readonly folder: string | null
  /** What was read and decided, in sentences, for the run's log. */
  readonly notes: readonly string[]
}

export interface LoadDatasetOptions extends LocateOptions, DownloadOptions {
  /** The run's seed (`system.seed`): the validation split draws from it. */
  readonly seed: number
  /** Download the dataset from its publisher when it is not found. Default false. */
  readonly download?: boolean
  /** Stratify the validation split by class (default true). */
  readonly stratify?: boolean
  /** The generated dataset's seed; default a fixed one, so every run sees the same images. */
  readonly syntheticSeed?: number
}

/**
 * Loads `config.dataset` from `config.path`, or else from the usual places (downloading it when
 * `download` is set), applies `trainLimit` / `testLimit`, holds out the seeded validation split and
 * resolves the augmentation. Every problem is a `DatasetError` whose message says what to do.
 */
export async function loadDataset(
  config: ExperimentConfig['data'],
  options: LoadDatasetOptions,
): Promise<LoadedDataset> {
  const info = datasets[config.dataset]
  const read = await readSets(config, options, info)
  const notes = [...read.notes]
  const train = takeFirst(read.train, config.trainLimit)
  const test = takeFirst(read.test, config.testLimit)
  if (train.count < read.train.count) {
    notes.push(
      `trainLimit: using the first ${formatCount(train.count)} of ${formatCount(read.train.count)} training images`,
    )
  }
  if (test.count < read.test.count) {
    notes.push(
      `testLimit: using the first ${formatCount(test.count)} of ${formatCount(read.test.count)} test images`,
    )
  }
  const stratify = options.stratify ?? true
  const split = splitValidation(train, config.validationSplit, options.seed, {
    stratify,
    classes: info.classes,
  })
  notes.push(
    split.validation === null
      ? 'No validation split: model selection has only the test set'
      : `Validation: ${formatCount(split.validation.count)} of ${formatCount(train.count)} training images held out ` +
          `(${stratify ? 'stratified, ' : ''}seed ${options.seed}); ${formatCount(split.train.count)} left to train on`,
  )
  const augmentation = resolveAugmentation(config, config.dataset, info.input)
  notes.push(`Training augmentation: ${describeAugmentation(augmentation)}`)
  return {
    info,
    train: split.train,
    validation: split.validation,
    test: wholeSplit('test', test),
    augmentation,
    folder: read.folder,
    notes,
  }
}

async function readSets(
  config: ExperimentConfig['data'],
  options: LoadDatasetOptions,
  info: DatasetInfo,
): Promise<{ train: ImageSet; test: ImageSet; folder: string | null; notes: string[] }> {
  const name = config.dataset
  if (name === 'synthetic') {
    const seed = options.syntheticSeed ?? SYNTHETIC_DATASET_SEED
    const { train, test } = generateSynthetic({ seed, info })
    const [h, w, c] = info.input
    return {
      train,
      test,
      folder: null,
      notes: [
        `Synthetic dataset (seed ${seed}): ${formatCount(train.count)} training and ${formatCount(test.count)} test ` +
          `images, ${h}×${w}×${c}, ${info.classes} classes`,
      ],
    }
  }
  const located = await locateFolder(name, config.path, options)
  const read =
    name === 'cifar10' || name === 'cifar100'
      ? await readCifarFolder(located.folder, name)
      : await readMnistFolder(located.folder, name)
  return { ...read, notes: [...located.notes, ...read.notes] }
}

async function locateFolder(
  name: FileDatasetName,
  path: string | undefined,
  options: LoadDatasetOptions,
): Promise<{ folder: string; notes: string[] }> {
  // An explicit folder is used as is: a wrong one is an error, not a reason to look elsewhere.
  if (path !== undefined && path !== '')
    return { folder: resolve(options.cwd ?? process.cwd(), path), notes: [] }
  const status = await locateDataset(name, options)
  if (status.folder !== null) return { folder: status.folder, notes: [] }
  if (options.download) return downloadDataset(name, options)
  throw notFound(name, status, options)
}

function notFound(name: FileDatasetName, status: DatasetStatus, options: LocateOptions): DatasetError {
  const where =
    `${searchRoots(options).join(', ')} ` + `(as ${datasetFolderNames[name].map((f) => `"${f}"`).join(', ')})`
  const download = status.download!
  const lines = [
    status.status === 'broken'
      ? `${status.title} was found but cannot be read: ${status.summary}`
      : `${status.title} was not found in ${where}.`,
    `Set data.path to the folder holding it, download it (${formatDownloadSize(download.bytes)} from ` +
      `${download.host} into ${download.into}: the Download button on the Datasets page, ` +
      `\`chase-workbench data download ${name}\` or \`train --download\`), or install it by hand:`,
    formatSteps(status.manualSteps),
  ]
  return new DatasetError(lines.join('\n'), status.problems[0]?.folder)
}
