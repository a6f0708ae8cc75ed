import { statSync } from 'node:fs'
// The checkpoint format is the trainer's; the host only reads which step a file holds (Node on both sides).
import { previousCheckpointPath, readCheckpoint, removeStaleTemporaries } from '../../node/checkpointFile'

export { removeStaleTemporaries }

export interface CheckpointOnDisk {
  readonly path: string
  readonly step: number
  readonly epoch: number
  readonly bytes: number
}

interface StepMeta {
  progress?: { step?: unknown; epochsCompleted?: unknown }
}

function read(path: string): CheckpointOnDisk | null {
  try {
    const meta = readCheckpoint<StepMeta>(path).meta
    const step = meta.progress?.step
    const epoch = meta.progress?.epochsCompleted
    if (typeof step !== 'number' || !Number.isInteger(step)) return null
    return { path, step, epoch: typeof epoch === 'number' ? epoch : 0, bytes: statSync(path).size }
  } catch {
    return null
  }
}

/**
 * What a resume from `path` will really start from: the file's own step (it may be newer than the
 * database knows, when a trainer died between the rename and the host's write), or the previous
 * checkpoint kept beside it when the file is damaged, as the trainer does. Null when neither is a
 * readable Chase Workbench checkpoint (another format: the database's step is all there is).
 */
export function checkpointOnDisk(path: string): CheckpointOnDisk | null {
  return read(path) ?? read(previousCheckpointPath(path))
}
