import { ConfigError } from '../../shared/config/configIssues'
import type { TrainerToHost } from '../../shared/protocol/trainerMessages'
import { BackendUnavailableError } from '../backend/pickBackend'
import { ChasePlanError } from '../chase/sparseEngine'
import { DatasetError, DownloadError } from '../data'

/** Turns whatever ended a run into the `failed` message: a kind the UI can act on and a readable message. */
export function describeFailure(error: unknown): Extract<TrainerToHost, { type: 'failed' }> {
  const message = error instanceof Error ? error.message : String(error)
  const stack = error instanceof Error ? error.stack : undefined
  const kind =
    error instanceof DatasetError || error instanceof DownloadError
      ? 'data'
      : error instanceof BackendUnavailableError
        ? 'backend'
        : error instanceof ChasePlanError || error instanceof ConfigError
          ? 'config'
          : 'internal'
  return { type: 'failed', kind, message, ...(stack && kind === 'internal' ? { stack } : {}) }
}
