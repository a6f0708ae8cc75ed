import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { datasets, type DatasetName } from '../../shared/data/datasets'
import { inspectCifarFolder } from './cifarBinary'
import { DatasetError, formatCount } from './datasetError'
import { candidateFolders, dataRoot, type FileDatasetName, type LocateOptions } from './datasetLocations'
import { datasetSources, downloadBytes, formatSteps, manualSteps, type DatasetSource } from './datasetSources'
import { downloadFile, DownloadError, type DownloadOptions } from './download'
import { inspectMnistFolder } from './mnistFolder'
import { extractTarGz } from './tarGz'

/** What `doctor` shows for one dataset: where it is, or why it is not usable, and how to get it. */
export interface DatasetStatus {
  readonly name: DatasetName
  readonly title: string
  readonly status: 'found' | 'missing' | 'broken' | 'generated'
  /** The usable folder when found. */
  readonly folder: string | null
  /** "60,000 training + 10,000 test images (gzipped IDX)", or why it is missing. */
  readonly summary: string
  /** Folders that look like the dataset but cannot be read, with the reason. */
  readonly problems: readonly { readonly folder: string; readonly message: string }[]
  /** Every folder looked at, in order. */
  readonly searched: readonly string[]
  /** What downloading it would fetch, and where it would go (null for the generated dataset). */
  readonly download: { readonly bytes: number; readonly host: string; readonly into: string } | null
  /** How to install it by hand into the data root (see `formatSteps`). */
  readonly manualSteps: readonly string[]
}

/** A found dataset folder's contents in one line (checks names, sizes and headers; reads no pixels). */
export async function inspectDatasetFolder(
  name: FileDatasetName,
  folder: string,
): Promise<{ folder: string; summary: string }> {
  if (name === 'cifar10' || name === 'cifar100') {
    const contents = await inspectCifarFolder(folder, name)
    const train = contents.train.reduce((n, f) => n + f.records, 0)
    const subset = contents.notes.length > 0 ? ', a subset' : ''
    return {
      folder: contents.folder,
      summary: `${formatCount(train)} training + ${formatCount(contents.test.records)} test images (binary${subset})`,
    }
  }
  const contents = await inspectMnistFolder(folder, name)
  return {
    folder,
    summary:
      `${formatCount(contents.trainCount)} training + ${formatCount(contents.testCount)} test images ` +
      `(${contents.gzipped ? 'gzipped IDX' : 'IDX'})`,
  }
}

/** Looks for one dataset in the usual places (see `datasetLocations.ts`). */
export async function locateDataset(name: DatasetName, options: LocateOptions = {}): Promise<DatasetStatus> {
  const title = datasets[name].title
  if (name === 'synthetic') {
    return {
      name,
      title,
      status: 'generated',
      folder: null,
      summary: 'generated on demand, nothing to install',
      problems: [],
      searched: [],
      download: null,
      manualSteps: [],
    }
  }
  const searched = candidateFolders(name, options)
  const problems: { folder: string; message: string }[] = []
  const source = datasetSources[name]
  const root = dataRoot(options)
  const download = { bytes: downloadBytes(source), host: new URL(source.files[0]!.urls[0]!).host, into: root }
  const manual = manualSteps(source, root)
  for (const folder of searched) {
    if (!(await isDirectory(folder))) continue
    try {
      const found = await inspectDatasetFolder(name, folder)
      const { folder: usable, summary } = found
      return {
        name,
        title,
        status: 'found',
        folder: usable,
        summary,
        problems,
        searched,
        download,
        manualSteps: manual,
      }
    } catch (error) {
      if (!(error instanceof DatasetError)) throw error
      problems.push({ folder, message: error.message })
    }
  }
  const status = problems.length > 0 ? 'broken' : 'missing'
  const summary = problems.length > 0 ? problems[0]!.message : `not found in ${searched.length} usual places`
  return { name, title, status, folder: null, summary, problems, searched, download, manualSteps: manual }
}

/** Every dataset and where it was found, or why not (for `chase-workbench doctor`). */
export async function findDatasets(options: LocateOptions = {}): Promise<DatasetStatus[]> {
  const names = Object.keys(datasets) as DatasetName[]
  return Promise.all(names.map((name) => locateDataset(name, options)))
}

export interface DownloadDatasetOptions extends LocateOptions, DownloadOptions {
  /** Install under this folder instead of the data root. */
  readonly root?: string
  /** Replace the published source (tests serve their own files). */
  readonly source?: DatasetSource
}

/**
 * Downloads a dataset from its publisher into the data root, checking each file's MD5, and returns its
 * folder. The files land in a temporary folder first, so an interrupted download never looks installed.
 * Offline, it throws a `DownloadError` (reason `offline`) whose message gives the manual steps.
 */
export async function downloadDataset(
  name: FileDatasetName,
  options: DownloadDatasetOptions = {},
): Promise<{ folder: string; notes: string[] }> {
  const source = options.source ?? datasetSources[name]
  const root = options.root ?? dataRoot(options)
  const target = join(root, source.folder)
  const staging = join(root, `.${source.folder}.download`)
  await mkdir(staging, { recursive: true })
  try {
    for (const file of source.files) {
      await downloadFile(file, join(staging, file.name), options)
    }
    const notes = [`Downloaded ${source.title} from ${new URL(source.files[0]!.urls[0]!).host} (md5 checked)`]
    if (source.layout === 'tar.gz') {
      const archive = join(staging, source.files[0]!.name)
      const unpacked = join(staging, 'unpacked')
      await extractTarGz(archive, unpacked)
      if (!(await isDirectory(join(unpacked, source.folder)))) {
        throw new DatasetError(
          `${archive} holds no "${source.folder}" folder: it is not the ${source.title} binary archive`,
        )
      }
      notes.push(...(await install(join(unpacked, source.folder), target)))
    } else {
      const files = join(staging, 'files')
      await mkdir(files, { recursive: true })
      for (const file of source.files) await rename(join(staging, file.name), join(files, file.name))
      notes.push(...(await install(files, target)))
    }
    await inspectDatasetFolder(name, target)
    await rm(staging, { recursive: true, force: true })
    notes.push(`${source.title} installed in ${target}`)
    return { folder: target, notes }
  } catch (error) {
    // Nothing half-downloaded is kept: a later try starts clean.
    await rm(staging, { recursive: true, force: true })
    if (error instanceof DownloadError) {
      throw new DownloadError(
        `${error.message}.\nTo install ${source.title} by hand:\n${formatSteps(manualSteps(source, root))}`,
        error.reason,
        error.path,
      )
    }
    throw error
  }
}

/** Moves a finished folder into place; a previous (broken) folder there is kept aside, not deleted. */
async function install(from: string, target: string): Promise<string[]> {
  const notes: string[] = []
  if (await exists(target)) {
    const aside = `${target}.old-${Date.now()}`
    await rename(target, aside)
    notes.push(`The previous ${target} was moved to ${aside}`)
  }
  await rename(from, target)
  return notes
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}
