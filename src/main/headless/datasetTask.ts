import { fork } from 'node:child_process'
import {
  DatasetTaskMessage,
  datasetTaskVariable,
  type DatasetTask,
  type FileDownloadProgress,
} from '../../shared/protocol/datasetTaskMessages'
import { datasetTaskEntry } from '../host/datasetService'
import { tsxImport } from '../host/forkTrainerLauncher'
import type { CommandIo } from './command'

type Answer = Exclude<DatasetTaskMessage, { type: 'progress' | 'failed' }>

/**
 * Runs one dataset task (src/trainer/data/datasetTaskMain.ts) for the CLI in a child process with the
 * command's environment and working folder, so the CLI loads no trainer code. Resolves with the answer;
 * a `failed` answer or a task that dies without one rejects with the reason. The child shares the
 * terminal's process group: Ctrl-C ends both, and a download resumes from what it kept.
 */
export function runDatasetTask(
  task: DatasetTask,
  io: CommandIo,
  onProgress?: (current: FileDownloadProgress) => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const child = fork(datasetTaskEntry, [], {
      execArgv: ['--import', tsxImport()],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      cwd: io.cwd,
      env: { ...io.env, [datasetTaskVariable]: JSON.stringify(task) },
    })
    let answer: DatasetTaskMessage | null = null
    let stderrTail = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderrTail = (stderrTail + chunk.toString()).slice(-4096)))
    child.on('message', (raw) => {
      const parsed = DatasetTaskMessage.safeParse(raw)
      if (!parsed.success) return
      if (parsed.data.type === 'progress') onProgress?.(parsed.data.current)
      else answer = parsed.data
    })
    child.on('error', (error) => reject(new Error(`could not start the dataset task: ${error.message}`)))
    // 'close' (not 'exit') so every message and the whole stderr tail have arrived.
    child.on('close', (code, signal) => {
      const last = answer as DatasetTaskMessage | null
      if (last === null) {
        const tail = stderrTail.trim().split('\n').slice(-3).join(' | ')
        reject(
          new Error(
            `the dataset task ended without an answer (${signal ?? `exit code ${code}`})${tail ? `: ${tail}` : ''}`,
          ),
        )
      } else if (last.type === 'failed') reject(new Error(last.message))
      else if (last.type !== 'progress') resolve(last)
    })
  })
}
