import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { ExperimentConfig } from '../../shared/config/experimentConfig'
import { RunId } from '../../shared/api/runRecords'

/**
 * What the host writes for one Slurm task (mode 0600, in the run's folder on the shared filesystem) and
 * `chase-workbench remote-task` reads on the node: which run, where the host is, and the run's secret.
 */
export const TaskManifest = z.object({
  runId: RunId,
  /** The host's WebSocket API, e.g. `ws://login1:4680/api` (a `?token=` of a token-guarded host included). */
  apiUrl: z.string().regex(/^wss?:\/\//, { message: 'the API address starts with ws:// or wss://' }),
  token: z.string().min(32).max(128),
  config: ExperimentConfig,
  runDir: z.string().min(1),
  resumeFrom: z.string().min(1).optional(),
  /** Messages of this submission are buffered here until the host has them (shared filesystem). */
  spoolPath: z.string().min(1),
  /** How long a finished task keeps trying to hand its last messages to an unreachable host. */
  drainTimeoutMs: z
    .number()
    .int()
    .min(0)
    .default(15 * 60_000),
})
export type TaskManifest = z.infer<typeof TaskManifest>

export function readTaskManifest(path: string): TaskManifest {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new Error(`cannot read the task manifest ${path}: ${(error as Error).message}`)
  }
  const parsed = TaskManifest.safeParse(raw)
  if (!parsed.success)
    throw new Error(
      `the task manifest ${path} is not valid (written by another workbench version?): ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')} ${i.message}`)
        .join('; ')}`,
    )
  return parsed.data
}
