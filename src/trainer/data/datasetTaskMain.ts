/**
 * Child-process entry for the host's dataset tasks (list, download, use a folder): the host never loads
 * trainer code, and cancelling a download is killing this process. The task arrives as JSON in
 * `CHASE_WORKBENCH_DATASET_TASK`; messages follow `src/shared/protocol/datasetTaskMessages.ts`.
 */
import {
  DatasetTask,
  datasetTaskVariable,
  type DatasetTaskMessage,
} from '../../shared/protocol/datasetTaskMessages'
import { DatasetError } from './datasetError'
import { downloadDataset, findDatasets, locateDataset, useDatasetFolder } from './datasetManager'
import { dataRoot } from './datasetLocations'
import { DownloadError } from './download'
import { mirrorBase } from './mirrorSource'

interface ElectronParentPort {
  postMessage(message: unknown): void
}

const electronPort = (process as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort

function send(message: DatasetTaskMessage): Promise<void> {
  if (electronPort) {
    electronPort.postMessage(message)
    return Promise.resolve()
  }
  if (!process.send) {
    process.stdout.write(`${JSON.stringify(message)}\n`)
    return Promise.resolve()
  }
  return new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()))
}

async function run(task: DatasetTask): Promise<DatasetTaskMessage> {
  switch (task.kind) {
    case 'list': {
      const datasets = (await findDatasets()).filter((d) => d.status !== 'generated')
      return { type: 'list', datasets, dataRoot: dataRoot(), mirror: mirrorBase() }
    }
    case 'use': {
      const status = await useDatasetFolder(task.name, task.folder)
      return { type: 'done', status, notes: [`${status.title} will be read from ${status.folder}`] }
    }
    case 'download': {
      // Progress over the whole dataset: finished files plus the one in flight.
      let sizes: readonly { name: string; bytes: number }[] = []
      const finished = new Map<string, number>()
      // At most one report per 100 ms, the latest one always sent (a stalled transfer still shows its bytes).
      let pending: DatasetTaskMessage | null = null
      let timer: NodeJS.Timeout | null = null
      const flush = () => {
        timer = null
        if (pending) void send(pending)
        pending = null
      }
      const { folder, notes } = await downloadDataset(task.name, {
        ...(task.root !== undefined ? { root: task.root } : {}),
        onPlan: (files) => (sizes = files),
        onProgress: (p) => {
          if (p.done) finished.set(p.file, p.receivedBytes)
          const before = [...finished].filter(([name]) => name !== p.file).reduce((n, [, b]) => n + b, 0)
          const total = sizes.reduce((n, f) => n + f.bytes, 0)
          const { file, receivedBytes, totalBytes, bytesPerSecond, done } = p
          pending = {
            type: 'progress',
            file: p.file,
            receivedBytes: before + p.receivedBytes,
            totalBytes: total > 0 ? total : null,
            bytesPerSecond: p.bytesPerSecond,
            current: { file, receivedBytes, totalBytes, bytesPerSecond, done },
          }
          // A file's end is sent at once, so a progress bar always shows each file reach its size.
          if (done) {
            if (timer) clearTimeout(timer)
            flush()
          } else timer ??= setTimeout(flush, 100)
        },
      })
      if (timer) clearTimeout(timer)
      // Downloaded elsewhere than the data root: remembered as the folder to read it from.
      const status =
        task.root !== undefined ? await useDatasetFolder(task.name, folder) : await locateDataset(task.name)
      return { type: 'done', status, notes, folder }
    }
  }
}

async function main(): Promise<void> {
  const parsed = DatasetTask.safeParse(safeJson(process.env[datasetTaskVariable] ?? ''))
  let answer: DatasetTaskMessage
  if (!parsed.success) {
    answer = {
      type: 'failed',
      message: `not a dataset task: ${parsed.error.message}`,
      reason: 'invalid-task',
    }
  } else {
    try {
      answer = await run(parsed.data)
    } catch (error) {
      const reason =
        error instanceof DownloadError ? error.reason : error instanceof DatasetError ? 'data' : 'internal'
      answer = { type: 'failed', message: (error as Error).message ?? String(error), reason }
    }
  }
  await send(answer)
  process.exit(answer.type === 'failed' ? 1 : 0)
}

void main()

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
