import { fileURLToPath } from 'node:url'
import { ApiError } from '../../shared/api/apiError'
import type { DatasetDownload, DatasetStatus, FileDatasetName } from '../../shared/data/datasetStatus'
import {
  DatasetTaskMessage,
  datasetTaskVariable,
  type DatasetTask,
} from '../../shared/protocol/datasetTaskMessages'
import type { EventHub } from './eventHub'
import { forkTrainerLauncher } from './forkTrainerLauncher'
import { ConflictError, NotFoundError } from './hostErrors'
import type { HostLogger } from './logger'
import type { TrainerLauncher, TrainerProcess } from './trainerLauncher'

/** The dataset task entry in the source tree (headless runs TypeScript through tsx). */
export const datasetTaskEntry = fileURLToPath(
  new URL('../../trainer/data/datasetTaskMain.ts', import.meta.url),
)

export interface DatasetServiceOptions {
  readonly hub: EventHub
  readonly logger: HostLogger
  /** Starts `datasetTaskMain` (Electron: a utility process); default a Node child of the source entry. */
  readonly launcher?: TrainerLauncher
  /** A list or a folder check that takes longer than this is killed. Default 120 s. */
  readonly taskTimeoutMs?: number
}

/**
 * The Datasets page's host side: lists datasets, runs downloads (one per dataset at a time) and checks
 * folders, each in a dataset task process, so the host loads no trainer code and a cancel is a kill.
 * Every download's progress and end goes to all clients as a `datasetChanged` event.
 */
export class DatasetService {
  private readonly launcher: TrainerLauncher
  private readonly downloads = new Map<
    FileDatasetName,
    { record: DatasetDownload; process: TrainerProcess | null }
  >()
  private readonly taskTimeoutMs: number

  constructor(private readonly options: DatasetServiceOptions) {
    this.launcher = options.launcher ?? forkTrainerLauncher({ entry: datasetTaskEntry })
    this.taskTimeoutMs = options.taskTimeoutMs ?? 120_000
  }

  async list(): Promise<{
    datasets: DatasetStatus[]
    downloads: DatasetDownload[]
    dataRoot: string
    mirror: string | null
  }> {
    const answer = await this.runTask({ kind: 'list' })
    if (answer.type !== 'list') throw this.failure(answer, 'listing the datasets')
    return {
      datasets: answer.datasets,
      downloads: [...this.downloads.values()].map((d) => d.record),
      dataRoot: answer.dataRoot,
      mirror: answer.mirror,
    }
  }

  async useFolder(name: FileDatasetName, folder: string): Promise<DatasetStatus> {
    const answer = await this.runTask({ kind: 'use', name, folder })
    if (answer.type !== 'done') throw this.failure(answer, `checking ${folder}`)
    return answer.status
  }

  /** Starts a download and returns at once; a second one of the same dataset is a conflict. */
  download(name: FileDatasetName): DatasetDownload {
    if (this.downloads.get(name)?.record.state === 'downloading')
      throw new ConflictError(`${name} is already downloading`)
    const entry: { record: DatasetDownload; process: TrainerProcess | null } = {
      record: {
        name,
        state: 'downloading',
        file: null,
        receivedBytes: 0,
        totalBytes: null,
        bytesPerSecond: 0,
        secondsLeft: null,
        message: null,
        folder: null,
      },
      process: null,
    }
    this.downloads.set(name, entry)
    const update = (change: Partial<DatasetDownload>) => {
      // A cancelled download stays cancelled, whatever its process said on the way out.
      if (entry.record.state !== 'downloading') return
      entry.record = { ...entry.record, ...change }
      this.options.hub.publish({ type: 'datasetChanged', download: entry.record })
    }
    entry.process = this.start(
      { kind: 'download', name },
      (message) => {
        if (message.type === 'progress') {
          const left =
            message.totalBytes !== null && message.bytesPerSecond > 0
              ? Math.max(0, (message.totalBytes - message.receivedBytes) / message.bytesPerSecond)
              : null
          update({
            file: message.file,
            receivedBytes: message.receivedBytes,
            totalBytes: message.totalBytes,
            bytesPerSecond: message.bytesPerSecond,
            secondsLeft: left,
          })
        } else if (message.type === 'done') {
          update({
            state: 'done',
            secondsLeft: 0,
            receivedBytes: entry.record.totalBytes ?? entry.record.receivedBytes,
            folder: message.status.folder,
            message: message.notes.join('\n'),
          })
        } else if (message.type === 'failed') {
          update({ state: 'failed', secondsLeft: null, message: message.message })
        }
      },
      (why) => update({ state: 'failed', secondsLeft: null, message: why }),
    )
    this.options.hub.publish({ type: 'datasetChanged', download: entry.record })
    return entry.record
  }

  /** Stops a running download (its process is killed; the bytes it fetched stay for a resume). */
  cancel(name: FileDatasetName): DatasetDownload {
    const entry = this.downloads.get(name)
    if (!entry || entry.record.state !== 'downloading')
      throw new NotFoundError(`No download of ${name} is running`)
    entry.record = {
      ...entry.record,
      state: 'cancelled',
      secondsLeft: null,
      message: 'Cancelled: what arrived is kept, and the next download resumes from it',
    }
    entry.process?.kill()
    this.options.hub.publish({ type: 'datasetChanged', download: entry.record })
    return entry.record
  }

  /** Kills every download in flight (the host is closing). */
  shutdown(): void {
    for (const entry of this.downloads.values())
      if (entry.record.state === 'downloading') entry.process?.kill()
  }

  private failure(answer: DatasetTaskMessage, doing: string): Error {
    const message = answer.type === 'failed' ? answer.message : `unexpected answer "${answer.type}"`
    if (answer.type === 'failed' && answer.reason !== 'internal')
      return new ApiError('invalid-request', message)
    return new Error(`${doing} failed: ${message}`)
  }

  /** Runs a short task to its answer, killing it after the timeout. */
  private runTask(task: DatasetTask): Promise<DatasetTaskMessage> {
    return new Promise((resolve, reject) => {
      let answered = false
      const process = this.start(
        task,
        (message) => {
          if (message.type === 'progress' || answered) return
          answered = true
          clearTimeout(timer)
          resolve(message)
        },
        (why) => {
          clearTimeout(timer)
          if (!answered) reject(new Error(why))
        },
      )
      const timer = setTimeout(() => {
        process.kill()
        if (!answered)
          reject(
            new Error(`the dataset task (${task.kind}) did not answer in ${this.taskTimeoutMs / 1000} s`),
          )
        answered = true
      }, this.taskTimeoutMs)
    })
  }

  /**
   * Starts a task process. Its messages are validated; `onGone` hears why it ended without an answer
   * (a crash, a kill), exactly once and only then.
   */
  private start(
    task: DatasetTask,
    onMessage: (message: DatasetTaskMessage) => void,
    onGone: (why: string) => void,
  ): TrainerProcess {
    const child = this.launcher.launch({
      serviceName: `datasets-${task.kind}${'name' in task ? `-${task.name}` : ''}`,
      env: { [datasetTaskVariable]: JSON.stringify(task) },
    })
    let answered = false
    child.onMessage((raw) => {
      const parsed = DatasetTaskMessage.safeParse(raw)
      if (!parsed.success) {
        this.options.logger.warn(`ignored a malformed dataset task message: ${parsed.error.message}`)
        return
      }
      if (parsed.data.type !== 'progress') answered = true
      onMessage(parsed.data)
    })
    child.onExit((exit) => {
      if (answered) return
      const tail = exit.stderrTail?.trim().split('\n').slice(-3).join(' | ')
      onGone(
        exit.error ??
          `the dataset task ended without an answer (${exit.signal ?? `exit code ${exit.code}`})${tail ? `: ${tail}` : ''}`,
      )
    })
    return child
  }
}
