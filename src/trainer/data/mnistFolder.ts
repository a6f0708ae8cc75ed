import { readdir, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { DatasetError, formatCount } from './datasetError'
import { readIdxFile, readIdxHeader, type IdxArray } from './idx'
import { allocateImageSet, checkLabels, type ImageSet } from './imageSet'

/**
 * A folder of MNIST or Fashion-MNIST IDX files (both use the same four names), gzipped or not:
 * `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`.
 * Also accepts the dotted spelling some mirrors use (`train-images.idx3-ubyte`).
 */
export type MnistVariant = 'mnist' | 'fashion-mnist'

const TITLES: Readonly<Record<MnistVariant, string>> = { mnist: 'MNIST', 'fashion-mnist': 'Fashion-MNIST' }
const PUBLISHED = { train: 60_000, test: 10_000 }

type Role = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels'
const BASE_NAMES: Readonly<Record<Role, string>> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
}
const ROLES = Object.keys(BASE_NAMES) as Role[]

/** The file names tried for one role, in order of preference. */
export function mnistFileCandidates(role: Role): string[] {
  const base = BASE_NAMES[role]
  const dotted = base.replace(/-(idx\d)/, '.$1')
  return [base, `${base}.gz`, dotted, `${dotted}.gz`]
}

export interface MnistFolderContents {
  readonly variant: MnistVariant
  readonly folder: string
  readonly files: Readonly<Record<Role, string>>
  readonly trainCount: number
  readonly testCount: number
  readonly gzipped: boolean
}

/** Finds the four IDX files and checks their headers (no decompression of the data). */
export async function inspectMnistFolder(
  folder: string,
  variant: MnistVariant,
): Promise<MnistFolderContents> {
  const names = await listFolder(folder, variant)
  const files = {} as Record<Role, string>
  for (const role of ROLES) {
    const found = mnistFileCandidates(role).find((name) => names.includes(name))
    if (found === undefined) {
      throw new DatasetError(
        `Dataset folder ${folder} has no ${BASE_NAMES[role]}(.gz): point the config at the folder holding the ` +
          `four ${TITLES[variant]} IDX files (train-images, train-labels, t10k-images, t10k-labels)`,
        folder,
      )
    }
    files[role] = join(folder, found)
  }
  const headers = await Promise.all(ROLES.map((role) => readIdxHeader(files[role])))
  const [trainImages, trainLabels, testImages, testLabels] = headers.map((h) => h.dims)
  checkPair(files.trainImages, trainImages!, files.trainLabels, trainLabels!)
  checkPair(files.testImages, testImages!, files.testLabels, testLabels!)
  return {
    variant,
    folder,
    files,
    trainCount: trainImages![0]!,
    testCount: testImages![0]!,
    gzipped: ROLES.every((role) => files[role].endsWith('.gz')),
  }
}

/** Reads an MNIST or Fashion-MNIST folder into memory (NHWC uint8, one channel). */
export async function readMnistFolder(
  folder: string,
  variant: MnistVariant,
): Promise<{ train: ImageSet; test: ImageSet; folder: string; notes: string[] }> {
  const contents = await inspectMnistFolder(folder, variant)
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    ROLES.map((role) => readIdxFile(contents.files[role])),
  )
  const train = toImageSet(trainImages!, trainLabels!, contents.files.trainImages, contents.files.trainLabels)
  const test = toImageSet(testImages!, testLabels!, contents.files.testImages, contents.files.testLabels)
  const title = TITLES[variant]
  const format = contents.gzipped ? 'gzipped IDX' : 'IDX'
  const notes = [
    `${title} from ${folder}: ${formatCount(train.count)} training and ${formatCount(test.count)} test images (${format})`,
  ]
  if (train.count !== PUBLISHED.train || test.count !== PUBLISHED.test) {
    notes.push(
      `${folder} is a subset of ${title}: published ${formatCount(PUBLISHED.train)} training and ` +
        `${formatCount(PUBLISHED.test)} test images`,
    )
  }
  return { train, test, folder, notes }
}

function toImageSet(images: IdxArray, labels: IdxArray, imagesFile: string, labelsFile: string): ImageSet {
  checkPair(imagesFile, images.dims, labelsFile, labels.dims)
  const [count, height, width] = images.dims as [number, number, number]
  const set = allocateImageSet(count, [height, width, 1])
  set.images.set(images.data)
  set.labels.set(labels.data)
  checkLabels(set.labels, 10, labelsFile)
  return set
}

function checkPair(
  imagesFile: string,
  imageDims: readonly number[],
  labelsFile: string,
  labelDims: readonly number[],
) {
  if (imageDims.length !== 3 || imageDims[1] !== 28 || imageDims[2] !== 28) {
    throw new DatasetError(
      `${imagesFile} holds an array of shape ${imageDims.join(' × ')}, not N × 28 × 28 images: ` +
        'is it a labels file or another dataset? Point the config at the MNIST/Fashion-MNIST files',
      imagesFile,
    )
  }
  if (labelDims.length !== 1) {
    throw new DatasetError(
      `${labelsFile} holds an array of shape ${labelDims.join(' × ')}, not a list of labels: ` +
        'is it an images file? Point the config at the MNIST/Fashion-MNIST files',
      labelsFile,
    )
  }
  if (imageDims[0] !== labelDims[0]) {
    throw new DatasetError(
      `${basename(imagesFile)} holds ${formatCount(imageDims[0]!)} images but ${basename(labelsFile)} ` +
        `${formatCount(labelDims[0]!)} labels: the two files come from different sets; download them again`,
      labelsFile,
    )
  }
}

async function listFolder(folder: string, variant: MnistVariant): Promise<string[]> {
  let info
  try {
    info = await stat(folder)
  } catch {
    throw new DatasetError(
      `Dataset folder ${folder} does not exist: point data.path at the folder holding the ${TITLES[variant]} ` +
        'IDX files, or leave it empty to search the usual places',
      folder,
    )
  }
  if (!info.isDirectory()) {
    throw new DatasetError(
      `${folder} is a file, not a dataset folder: point data.path at the folder holding the four IDX files`,
      folder,
    )
  }
  return readdir(folder)
}
