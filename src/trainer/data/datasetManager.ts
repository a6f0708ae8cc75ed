import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { datasets, type DatasetName } from '../../shared/data/datasets'
import type { DatasetStatus } from '../../shared/data/datasetStatus'
import { inspectCifarFolder } from './cifarBinary'
import { DatasetError, formatCount } from './datasetError'
import { chooseFolder, readChosenFolders } from './chosenFolders'
import { candidateFolders, dataRoot, type FileDatasetName, type LocateOptions } from './datasetLocations'
import { datasetSources, downloadBytes, formatSteps, manualSteps, type DatasetSource } from './datasetSources'
import { downloadFile, DownloadError, type DownloadOptions } from './download'
import { mirrorBase, resolveSource, withMirror } from './mirrorSource'
import { inspectMnistFolder } from './mnistFolder'
import { extractTarGz } from './tarGz'

/** What `doctor`, `data list` and the Datasets page show for one dataset (the shape lives in src/shared). */
export type { DatasetStatus }

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
  const root = dataRoot(options)
  const chosen = (await readChosenFolders(root))[name]
  const searched = [...new Set([...(chosen ? [chosen] : []), ...candidateFolders(name, options)])]
  const problems: { folder: string; message: string }[] = []
  const source = withMirror(datasetSources[name], mirrorBase(options.env))
  const download = { bytes: downloadBytes(source), host: new URL(source.files[0]!.urls[0]!).host, into: root }
  const manual = manualSteps(source, root)
  for (const folder of searched) {
    if (!(await isDirectory(folder))) {
      if (folder === chosen) problems.push({ folder, message: `the chosen folder ${folder} is gone` })
      continue
    }
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
  /** Replace the published source (tests serve their own files); default the publisher's or the mirror's. */
  readonly source?: DatasetSource
  /** Called once the files to fetch are known, before the first byte (for overall progress). */
  readonly onPlan?: (files: readonly { readonly name: string; readonly bytes: number }[]) => void
}

/**
 * Downloads a dataset from its publisher (or the mirror `CHASE_WORKBENCH_DATA_MIRROR` names) into the data
 * root, checking each file's MD5, and returns its folder. The files land in a hidden staging folder
 * beside the target, so an interrupted download never looks installed; a transfer that broke off is kept
 * there and resumed by the next call. A good copy already in place is never replaced. Offline, it throws
 * a `DownloadError` (reason `offline`) whose message gives the manual steps.
 */
export async function downloadDataset(
  name: FileDatasetName,
  options: DownloadDatasetOptions = {},
): Promise<{ folder: string; notes: string[] }> {
  const root = options.root ?? dataRoot(options)
  const published = datasetSources[name]
  let source: DatasetSource
  try {
    source = options.source ?? (await resolveSource(published, options))
  } catch (error) {
    if (error instanceof DownloadError) throw withManualSteps(error, withMirror(published, null), root)
    throw error
  }
  const target = join(root, source.folder)
  if (await isDirectory(target)) {
    const good = await inspectDatasetFolder(name, target).then(
      () => true,
      () => false,
    )
    if (good)
      return {
        folder: target,
        notes: [`${source.title} is already installed in ${target}: nothing downloaded`],
      }
  }
  const staging = join(root, `.${source.folder}.download`)
  try {
    await mkdir(staging, { recursive: true })
  } catch (error) {
    throw new DatasetError(
      `Cannot create ${staging}: ${(error as Error).message}. Choose another folder (--dir, or set CHASE_WORKBENCH_DATA)`,
      staging,
    )
  }
  options.onPlan?.(source.files.map((f) => ({ name: f.name, bytes: f.bytes })))
  try {
    for (const file of source.files) {
      await downloadFile(file, join(staging, file.name), options)
    }
    const notes = [`Downloaded ${source.title} from ${new URL(source.files[0]!.urls[0]!).host} (md5 checked)`]
    let staged: string
    if (source.layout === 'tar.gz') {
      const archive = join(staging, source.files[0]!.name)
      const unpacked = join(staging, 'unpacked')
      await rm(unpacked, { recursive: true, force: true })
      await extractTarGz(archive, unpacked)
      staged = join(unpacked, source.folder)
      if (!(await isDirectory(staged))) {
        throw new DatasetError(
          `${archive} holds no "${source.folder}" folder: it is not the ${source.title} binary archive`,
        )
      }
    } else {
      staged = join(staging, 'files')
      await mkdir(staged, { recursive: true })
      for (const file of source.files) await rename(join(staging, file.name), join(staged, file.name))
    }
    // Checked before it moves into place: only a readable copy ever lands where datasets are looked for.
    await inspectDatasetFolder(name, staged)
    notes.push(...(await install(staged, target)))
    await rm(staging, { recursive: true, force: true })
    notes.push(`${source.title} installed in ${target}`)
    return { folder: target, notes }
  } catch (error) {
    // A transfer that broke off is kept (hidden, in staging) for the next try to resume; anything else
    // starts clean.
    const resumable = error instanceof DownloadError && error.reason === 'stalled'
    if (!resumable) await rm(staging, { recursive: true, force: true })
    if (error instanceof DownloadError) throw withManualSteps(error, source, root)
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new DownloadError(
        `The disk holding ${root} is full while unpacking ${source.title}: free some space there, or download ` +
          'into another folder (--dir, or set CHASE_WORKBENCH_DATA)',
        'disk-full',
        root,
      )
    }
    throw error
  }
}

function withManualSteps(error: DownloadError, source: DatasetSource, root: string): DownloadError {
  return new DownloadError(
    `${error.message}.\nTo install ${source.title} by hand:\n${formatSteps(manualSteps(source, root))}`,
    error.reason,
    error.path,
  )
}

/**
 * Checks that `folder` holds a readable copy of the dataset and, if so, records it as the place to read
 * it from (see chosenFolders.ts). A folder that fails the check is not recorded; the error says why.
 */
export async function useDatasetFolder(
  name: FileDatasetName,
  folder: string,
  options: LocateOptions = {},
): Promise<DatasetStatus> {
  if (!(await isDirectory(folder))) throw new DatasetError(`${folder} is not a folder`, folder)
  const found = await inspectDatasetFolder(name, folder)
  await chooseFolder(dataRoot(options), name, found.folder)
  return locateDataset(name, options)
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
