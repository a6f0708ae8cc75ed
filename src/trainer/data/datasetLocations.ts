import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import type { DatasetName } from '../../shared/data/datasets'
import { userDataFolder } from '../../node/userDataFolder'

/**
 * The usual places a dataset is looked for, in order. The data root (where downloads go) comes first:
 * `CHASE_WORKBENCH_DATA`, else `datasets` in the user's data folder (`src/node/userDataFolder.ts`:
 * `$XDG_DATA_HOME/chase-workbench/datasets`, else `~/.local/share/chase-workbench/datasets` on Linux). Then `./data`, the working folder, `~/data`,
 * `~/datasets`, Keras's cache and the system folders Debian's dataset packages use.
 * `CHASE_WORKBENCH_DATA_ONLY=1` keeps the search to the data root (a deployment that keeps data in one
 * place, or a test of a machine without the data).
 */
export interface LocateOptions {
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  readonly home?: string
  /** Replace the search roots (tests, or a deployment that keeps data in one place). */
  readonly roots?: readonly string[]
}

export type FileDatasetName = Exclude<DatasetName, 'synthetic'>

/** Folder names each dataset goes by under a root (its archive's folder, torchvision's and Keras's layouts). */
export const datasetFolderNames: Readonly<Record<FileDatasetName, readonly string[]>> = {
  cifar10: ['cifar-10-batches-bin', 'cifar10/cifar-10-batches-bin', 'cifar-10', 'cifar10'],
  cifar100: ['cifar-100-binary', 'cifar100/cifar-100-binary', 'cifar-100', 'cifar100'],
  mnist: ['mnist', 'MNIST/raw', 'mnist/raw'],
  'fashion-mnist': ['fashion-mnist', 'FashionMNIST/raw', 'fashion_mnist', 'fashion-mnist/raw'],
}

export function dataRoot(options: LocateOptions = {}): string {
  const env = options.env ?? process.env
  if (env.CHASE_WORKBENCH_DATA) return resolve(env.CHASE_WORKBENCH_DATA)
  return join(userDataFolder(env, process.platform, options.home ?? homedir()), 'datasets')
}

export function searchRoots(options: LocateOptions = {}): string[] {
  if (options.roots) return [...options.roots]
  if ((options.env ?? process.env).CHASE_WORKBENCH_DATA_ONLY === '1') return [dataRoot(options)]
  const cwd = options.cwd ?? process.cwd()
  const home = options.home ?? homedir()
  const roots = [
    dataRoot(options),
    join(cwd, 'data'),
    cwd,
    join(home, 'data'),
    join(home, 'datasets'),
    join(home, '.keras', 'datasets'),
    '/usr/share/datasets',
    '/usr/local/share/datasets',
  ]
  return [...new Set(roots)]
}

/** Every folder where `name` may be, most likely first. */
export function candidateFolders(name: FileDatasetName, options: LocateOptions = {}): string[] {
  return searchRoots(options).flatMap((root) => datasetFolderNames[name].map((folder) => join(root, folder)))
}
