import { resolve } from 'node:path'
import { DatasetName } from '../../../shared/data/datasets'
import { parseCommandArgs } from '../args'
import { UsageError, type Command, type CommandIo } from '../command'
import { runDatasetTask } from '../datasetTask'
import { progressPrinter } from '../progressBar'
import { formatTable } from '../table'

const usage = `Usage: chase-workbench data <list | download | use> ...

  data list [--json]                 Every dataset the workbench knows: installed or not, where, size, images
  data download <name> [--dir D]     Download a dataset (MD5 checked, resumed if interrupted) into the data
                                     root, or into D (then remembered as the place to read it from)
  data use <name> <folder>           Read a dataset from a copy you already have (checked first)

Names: cifar10, cifar100, mnist, fashion-mnist. The data root is $CHASE_WORKBENCH_DATA, else
$XDG_DATA_HOME/chase-workbench/datasets, else ~/.local/share/chase-workbench/datasets.
Environment: HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured; CHASE_WORKBENCH_DATA_MIRROR=<url> fetches
from a mirror instead of the publishers (see docs/datasets.md).
`

function datasetName(value: string | undefined): Exclude<DatasetName, 'synthetic'> {
  const parsed = DatasetName.exclude(['synthetic']).safeParse(value)
  if (!parsed.success)
    throw new UsageError(`name a dataset: cifar10, cifar100, mnist or fashion-mnist (got "${value ?? ''}")`)
  return parsed.data
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`

async function list(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean', default: false } }, false)
  const answer = await runDatasetTask({ kind: 'list' }, io)
  if (answer.type !== 'list') throw new Error(`the dataset task answered "${answer.type}" to a list`)
  const found = answer.datasets
  if (values.json) {
    io.stdout.write(`${JSON.stringify(found, null, 2)}\n`)
    return 0
  }
  const rows = found.map((d) => [
    d.name,
    d.status,
    d.download ? megabytes(d.download.bytes) : '—',
    d.status === 'found' ? `${d.summary} in ${d.folder}` : d.summary,
  ])
  io.stdout.write(`${formatTable(['dataset', 'status', 'download', 'details'], rows)}\n`)
  const missing = found.filter((d) => d.status !== 'found')
  if (missing.length > 0)
    io.stdout.write(`\nGet one with: chase-workbench data download ${missing[0]!.name}\n`)
  return 0
}

async function download(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { dir: { type: 'string' } })
  if (positionals.length !== 1) throw new UsageError('data download takes one dataset name')
  const name = datasetName(positionals[0])
  const folder = await fetchDataset(
    name,
    io,
    values.dir === undefined ? undefined : resolve(io.cwd, values.dir),
  )
  io.stdout.write(`${folder}\n`)
  return 0
}

/**
 * Downloads `name` with a progress line on stderr and says where it went; into `dir` when given (then
 * recorded as the folder to read it from). Used by `data download` and `train --download`.
 */
export async function fetchDataset(
  name: Exclude<DatasetName, 'synthetic'>,
  io: CommandIo,
  dir?: string,
): Promise<string> {
  const onProgress = progressPrinter(io.stderr as NodeJS.WritableStream & { isTTY?: boolean })
  const answer = await runDatasetTask(
    { kind: 'download', name, ...(dir !== undefined ? { root: dir } : {}) },
    io,
    onProgress,
  )
  if (answer.type !== 'done' || answer.folder === undefined)
    throw new Error(`the dataset task answered "${answer.type}" to a download without a folder`)
  const { folder, notes } = answer
  for (const note of notes) io.stderr.write(`${note}\n`)
  return folder
}

async function use(args: readonly string[], io: CommandIo): Promise<number> {
  const { positionals } = parseCommandArgs(args, {})
  if (positionals.length !== 2) throw new UsageError('data use takes a dataset name and a folder')
  const name = datasetName(positionals[0])
  const answer = await runDatasetTask({ kind: 'use', name, folder: resolve(io.cwd, positionals[1]!) }, io)
  if (answer.type !== 'done') throw new Error(`the dataset task answered "${answer.type}" to a folder check`)
  const { status } = answer
  io.stdout.write(`${status.title}: ${status.summary}, read from ${status.folder}\n`)
  return 0
}

const command: Command = {
  name: 'data',
  summary: 'List, download or choose datasets',
  usage,
  async run(args, io) {
    const [sub, ...rest] = args
    switch (sub) {
      case 'list':
        return list(rest, io)
      case 'download':
        return download(rest, io)
      case 'use':
        return use(rest, io)
      default:
        throw new UsageError(`unknown subcommand "${sub ?? ''}": use list, download or use`)
    }
  },
}
export default command
