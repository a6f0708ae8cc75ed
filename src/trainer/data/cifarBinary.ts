import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { DatasetError, formatCount } from './datasetError'
import { allocateImageSet, checkLabels, concatImageSets, type ImageSet } from './imageSet'

/**
 * The CIFAR-10 and CIFAR-100 "binary version" folders (https://www.cs.toronto.edu/~kriz/cifar.html):
 * each record is the label byte(s) then 3,072 bytes, the 32×32 red, green and blue planes row-major.
 * CIFAR-10: `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin` (1 label byte).
 * CIFAR-100: `train.bin` and `test.bin` (coarse then fine label byte; we train on the fine label).
 * A folder may hold fewer training files or fewer records than published: we read what is there and
 * say so in the notes.
 */
export type CifarVariant = 'cifar10' | 'cifar100'

interface CifarLayout {
  readonly title: string
  readonly folderName: string
  readonly archive: string
  readonly labelBytes: number
  /** Which label byte is the class (CIFAR-100: the fine label, byte 1). */
  readonly classLabelAt: number
  readonly classes: number
  readonly publishedTrainFiles: readonly string[]
  readonly publishedRecordsPerTrainFile: number
  readonly testFile: string
  readonly publishedTestRecords: number
}

const PIXELS = 32 * 32
const IMAGE_BYTES = PIXELS * 3

export const cifarLayouts: Readonly<Record<CifarVariant, CifarLayout>> = {
  cifar10: {
    title: 'CIFAR-10',
    folderName: 'cifar-10-batches-bin',
    archive: 'cifar-10-binary.tar.gz',
    labelBytes: 1,
    classLabelAt: 0,
    classes: 10,
    publishedTrainFiles: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
    publishedRecordsPerTrainFile: 10_000,
    testFile: 'test_batch.bin',
    publishedTestRecords: 10_000,
  },
  cifar100: {
    title: 'CIFAR-100',
    folderName: 'cifar-100-binary',
    archive: 'cifar-100-binary.tar.gz',
    labelBytes: 2,
    classLabelAt: 1,
    classes: 100,
    publishedTrainFiles: ['train.bin'],
    publishedRecordsPerTrainFile: 50_000,
    testFile: 'test.bin',
    publishedTestRecords: 10_000,
  },
}

export function cifarRecordBytes(variant: CifarVariant): number {
  return cifarLayouts[variant].labelBytes + IMAGE_BYTES
}

/** One file of a CIFAR folder and how many records it holds. */
export interface CifarFile {
  readonly path: string
  readonly records: number
}

/** What a CIFAR folder holds, checked from file names and sizes only (cheap: `doctor` uses it). */
export interface CifarFolderContents {
  readonly variant: CifarVariant
  readonly folder: string
  readonly train: readonly CifarFile[]
  readonly test: CifarFile
  /** What differs from the published dataset (fewer files or records), in words. */
  readonly notes: readonly string[]
}

/**
 * Finds the training and test files of a CIFAR binary folder and checks their sizes.
 * Accepts the folder's parent too (the folder the archive was extracted into).
 * Throws a `DatasetError` that says what is wrong and what to do.
 */
export async function inspectCifarFolder(
  folder: string,
  variant: CifarVariant,
): Promise<CifarFolderContents> {
  const layout = cifarLayouts[variant]
  const names = await listFolder(folder, layout)
  if (!isCifarFolder(names, variant) && names.includes(layout.folderName)) {
    // Pointed at the folder the archive was extracted into: step inside.
    return inspectCifarFolder(join(folder, layout.folderName), variant)
  }
  const trainNames = trainFileNames(names, variant)
  if (trainNames.length === 0) throw missingTrainFiles(folder, names, variant)
  if (!names.includes(layout.testFile)) {
    throw new DatasetError(
      `Dataset folder ${folder} has no ${layout.testFile}: a ${layout.title} binary folder holds it next to ` +
        `${trainNames[0]}; extract "${layout.archive}" again`,
      folder,
    )
  }
  const train = await Promise.all(trainNames.map((name) => sizeFile(join(folder, name), variant)))
  const test = await sizeFile(join(folder, layout.testFile), variant)
  return { variant, folder, train, test, notes: describeDeviations(folder, train, test, layout) }
}

/** Reads a CIFAR binary folder into memory (NHWC uint8), checking every size and label. */
export async function readCifarFolder(
  folder: string,
  variant: CifarVariant,
): Promise<{ train: ImageSet; test: ImageSet; folder: string; notes: string[] }> {
  const contents = await inspectCifarFolder(folder, variant)
  const train = await Promise.all(contents.train.map((file) => readCifarFile(file.path, variant)))
  const test = await readCifarFile(contents.test.path, variant)
  const trainSet = concatImageSets(train)
  const layout = cifarLayouts[variant]
  const trainFiles = contents.train.map((f) => basename(f.path)).join(', ')
  const read =
    `${layout.title} from ${contents.folder}: ${formatCount(trainSet.count)} training images (${trainFiles}), ` +
    `${formatCount(test.count)} test images (${layout.testFile})`
  return { train: trainSet, test, folder: contents.folder, notes: [read, ...contents.notes] }
}

/** Reads one CIFAR binary file (any record count) into NHWC uint8 images and class labels. */
export async function readCifarFile(path: string, variant: CifarVariant): Promise<ImageSet> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (error) {
    throw new DatasetError(`Cannot read ${path}: ${(error as Error).message}`, path)
  }
  return parseCifarRecords(bytes, variant, path)
}

/** Parses CIFAR binary records (label byte(s) + R, G, B planes) into NHWC images. */
export function parseCifarRecords(bytes: Uint8Array, variant: CifarVariant, file: string): ImageSet {
  const layout = cifarLayouts[variant]
  const recordBytes = cifarRecordBytes(variant)
  checkRecordSize(bytes.length, variant, file)
  const count = bytes.length / recordBytes
  const set = allocateImageSet(count, [32, 32, 3])
  const { images, labels } = set
  for (let r = 0; r < count; r++) {
    const base = r * recordBytes
    if (variant === 'cifar100') checkCoarseLabel(bytes[base]!, r, file)
    labels[r] = bytes[base + layout.classLabelAt]!
    const planes = base + layout.labelBytes
    const out = r * IMAGE_BYTES
    for (let p = 0; p < PIXELS; p++) {
      images[out + p * 3] = bytes[planes + p]!
      images[out + p * 3 + 1] = bytes[planes + PIXELS + p]!
      images[out + p * 3 + 2] = bytes[planes + 2 * PIXELS + p]!
    }
  }
  checkLabels(labels, layout.classes, file, variant === 'cifar100' ? 'fine label' : 'label')
  return set
}

function checkCoarseLabel(coarse: number, record: number, file: string): void {
  if (coarse >= 20) {
    throw new DatasetError(
      `${file}: record ${formatCount(record)} has coarse label ${coarse}, outside 0-19: ` +
        'the file is corrupt or not CIFAR-100 binary; download it again',
      file,
    )
  }
}

function checkRecordSize(size: number, variant: CifarVariant, file: string): void {
  const layout = cifarLayouts[variant]
  const recordBytes = cifarRecordBytes(variant)
  if (size === 0) {
    throw new DatasetError(`${file} is empty: extract it again from "${layout.archive}"`, file)
  }
  if (size % recordBytes === 0) return
  const whole = Math.floor(size / recordBytes)
  const other: CifarVariant = variant === 'cifar10' ? 'cifar100' : 'cifar10'
  const hint =
    size % cifarRecordBytes(other) === 0
      ? `; its size fits ${cifarLayouts[other].title} records: set data.dataset to ${other}`
      : `; extract it again from "${layout.archive}"`
  throw new DatasetError(
    `${file} is ${formatCount(size)} bytes, not a whole number of ${formatCount(recordBytes)}-byte ` +
      `${layout.title} records (${formatCount(whole)} records and ${formatCount(size - whole * recordBytes)} ` +
      `bytes over): the file is truncated or not ${layout.title} binary${hint}`,
    file,
  )
}

async function sizeFile(path: string, variant: CifarVariant): Promise<CifarFile> {
  const { size } = await stat(path)
  checkRecordSize(size, variant, path)
  return { path, records: size / cifarRecordBytes(variant) }
}

async function listFolder(folder: string, layout: CifarLayout): Promise<string[]> {
  let info
  try {
    info = await stat(folder)
  } catch {
    throw new DatasetError(
      `Dataset folder ${folder} does not exist: point data.path at the extracted "${layout.folderName}" ` +
        'folder, or leave it empty to search the usual places',
      folder,
    )
  }
  if (!info.isDirectory()) {
    const archiveHint = /\.(tar\.gz|tgz|tar)$/.test(folder)
      ? `: it is the archive; extract it (tar -xzf ${basename(folder)}) and point at the "${layout.folderName}" folder inside`
      : `: point data.path at the extracted "${layout.folderName}" folder`
    throw new DatasetError(`${folder} is a file, not a dataset folder${archiveHint}`, folder)
  }
  return readdir(folder)
}

function isCifarFolder(names: readonly string[], variant: CifarVariant): boolean {
  return trainFileNames(names, variant).length > 0 || names.includes(cifarLayouts[variant].testFile)
}

/** CIFAR-10: every `data_batch_N.bin`, in N order; CIFAR-100: `train.bin`. */
function trainFileNames(names: readonly string[], variant: CifarVariant): string[] {
  if (variant === 'cifar100') return names.filter((n) => n === 'train.bin')
  return names
    .map((name) => ({ name, match: /^data_batch_(\d+)\.bin$/.exec(name) }))
    .filter((e) => e.match !== null)
    .sort((a, b) => Number(a.match![1]) - Number(b.match![1]))
    .map((e) => e.name)
}

function missingTrainFiles(folder: string, names: readonly string[], variant: CifarVariant): DatasetError {
  const layout = cifarLayouts[variant]
  const first = layout.publishedTrainFiles[0]!
  if (variant === 'cifar10' && (names.includes('data_batch_1') || names.includes('batches.meta'))) {
    return new DatasetError(
      `Dataset folder ${folder} holds the Python (pickle) version of CIFAR-10, not the binary one: ` +
        `download "${layout.archive}" and point the config at its "${layout.folderName}" folder`,
      folder,
    )
  }
  if (variant === 'cifar100' && (names.includes('train') || names.includes('meta'))) {
    return new DatasetError(
      `Dataset folder ${folder} holds the Python (pickle) version of CIFAR-100, not the binary one: ` +
        `download "${layout.archive}" and point the config at its "${layout.folderName}" folder`,
      folder,
    )
  }
  const other: CifarVariant = variant === 'cifar10' ? 'cifar100' : 'cifar10'
  if (isCifarFolder(names, other)) {
    return new DatasetError(
      `Dataset folder ${folder} has no ${first} but looks like ${cifarLayouts[other].title}: ` +
        `set data.dataset to ${other}, or point the config at the extracted "${layout.folderName}" folder`,
      folder,
    )
  }
  return new DatasetError(
    `Dataset folder ${folder} has no ${first}: point the config at the extracted "${layout.folderName}" folder`,
    folder,
  )
}

function describeDeviations(
  folder: string,
  train: readonly CifarFile[],
  test: CifarFile,
  layout: CifarLayout,
): string[] {
  const notes: string[] = []
  const names = train.map((f) => basename(f.path))
  const published = layout.publishedTrainFiles
  const perFile = layout.publishedRecordsPerTrainFile
  const sameFiles = names.length === published.length && names.every((n, i) => n === published[i])
  if (!sameFiles || train.some((f) => f.records !== perFile)) {
    const listed = train.map((f) => `${basename(f.path)}: ${formatCount(f.records)} images`).join(', ')
    const plural = train.length === 1 ? 'file' : 'files'
    notes.push(
      `${folder} is a subset of ${layout.title}: ${train.length} training ${plural} (${listed}), ` +
        `where the published dataset has ${published.length} × ${formatCount(perFile)}`,
    )
  }
  if (test.records !== layout.publishedTestRecords) {
    notes.push(
      `${basename(test.path)} holds ${formatCount(test.records)} test images ` +
        `(published: ${formatCount(layout.publishedTestRecords)})`,
    )
  }
  return notes
}
