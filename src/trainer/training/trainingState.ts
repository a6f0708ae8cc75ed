import * as tf from '@tensorflow/tfjs-core'
import type { BatchStreamState } from '../data'
import { readCheckpointOrPrevious, writeCheckpoint, type StoredTensor } from '../../node/checkpointFile'
import type { TrainingParts } from './trainingParts'

/** Where the run stands, everything a checkpoint needs besides tensors. */
export interface TrainingProgress {
  /** Last completed step (1-based steps; 0 before the first). */
  step: number
  epochsCompleted: number
  /** The training stream's state after the last consumed batch. */
  stream: BatchStreamState | null
  best: BestSoFar | null
  elapsedSeconds: number
  imagesSeen: number
  /**
   * The loss/accuracy window under way when the checkpoint was written, so the first point after a
   * resume averages the same steps an uninterrupted run would (not a partial window, seen as a spike).
   */
  window?: { loss: number; correct: number; images: number }
}

export interface BestSoFar {
  epoch: number
  /** The selection score (validation or test accuracy, per config). */
  score: number
  validationAccuracy: number | null
  testAccuracy: number
}

interface CheckpointMeta {
  version: 1
  runId: string
  progress: TrainingProgress
  trainingFlops: { sparseMacs: number; steps: number }
}

/**
 * Writes everything an exact resume needs: parameters (BN statistics included), momentum, masks, alive
 * vectors, the step, the data stream's RNG state and position, and the best-so-far record.
 */
export async function saveTrainingState(
  path: string,
  runId: string,
  parts: TrainingParts,
  progress: TrainingProgress,
  options: { keepPrevious?: boolean } = {},
): Promise<number> {
  const tensors = new Map<string, StoredTensor>()
  for (const [name, variable] of parts.params) {
    tensors.set(`param/${name}`, {
      shape: variable.shape,
      data: Float32Array.from((await variable.data()) as Float32Array),
    })
  }
  for (const [name, data] of (await parts.optimizer?.exportState()) ?? []) {
    tensors.set(`momentum/${name}`, { shape: parts.params.get(name)!.shape, data })
  }
  const engineState = await parts.engine.exportState()
  for (const [name, mask] of Object.entries(engineState.masks))
    tensors.set(`mask/${name}`, { shape: [mask.length], data: mask })
  for (const [name, alive] of Object.entries(engineState.alive))
    tensors.set(`alive/${name}`, { shape: [alive.length], data: alive })
  const meta: CheckpointMeta = { version: 1, runId, progress, trainingFlops: engineState.trainingFlops }
  return writeCheckpoint(path, { meta, tensors }, options)
}

/**
 * Restores what `saveTrainingState` wrote into freshly built parts; returns the saved progress. A damaged
 * file falls back to the previous checkpoint kept beside it, and `onFallback` says so.
 */
export function loadTrainingState(
  path: string,
  parts: TrainingParts,
  onFallback?: (why: string, used: string) => void,
): TrainingProgress {
  const read = readCheckpointOrPrevious<CheckpointMeta>(path)
  if (read.skipped !== null) onFallback?.(read.skipped, read.path)
  const { meta, tensors } = read.contents
  if (meta.version !== 1)
    throw new Error(`Checkpoint ${path} has format version ${meta.version}; this workbench reads 1.`)
  const momentum = new Map<string, Float32Array>()
  const masks: Record<string, Uint8Array> = {}
  const alive: Record<string, Uint8Array> = {}
  for (const [key, tensor] of tensors) {
    const slash = key.indexOf('/')
    const kind = key.slice(0, slash)
    const name = key.slice(slash + 1)
    if (kind === 'param') {
      const variable = parts.params.get(name)
      if (!variable)
        throw new Error(
          `Checkpoint ${path} holds parameter "${name}" that this model does not have: was the config changed?`,
        )
      if (variable.size !== tensor.data.length) {
        throw new Error(
          `Checkpoint ${path}: parameter "${name}" has ${tensor.data.length} values, the model ${variable.size}.`,
        )
      }
      tf.tidy(() => variable.assign(tf.tensor(tensor.data as Float32Array, variable.shape)))
    } else if (kind === 'momentum') momentum.set(name, tensor.data as Float32Array)
    else if (kind === 'mask') masks[name] = tensor.data as Uint8Array
    else if (kind === 'alive') alive[name] = tensor.data as Uint8Array
  }
  parts.optimizer?.importState(momentum)
  parts.engine.importState({ version: 1, masks, alive, trainingFlops: meta.trainingFlops })
  return meta.progress
}
