import { z } from 'zod'
import { BackendName } from '../backends/backendNames'

/** What `doctor` and the UI's "about" panel show: where data lives and what this machine can run. */
export const BackendAvailability = z.object({
  name: BackendName,
  available: z.boolean(),
  /** Package version when installed, else why not and how to install it. */
  detail: z.string(),
})
export type BackendAvailability = z.infer<typeof BackendAvailability>

export const SystemInfo = z.object({
  appVersion: z.string(),
  shell: z.enum(['electron', 'headless']),
  backends: z.array(BackendAvailability),
  /** node, electron, tfjs, better-sqlite3, sqlite, … */
  versions: z.record(z.string(), z.string()),
  machine: z.object({
    platform: z.string(),
    arch: z.string(),
    cpus: z.string(),
    cores: z.number().int(),
    memoryBytes: z.number(),
    hostname: z.string(),
  }),
  dbPath: z.string(),
  dataDir: z.string(),
  /** Runs that may train at once. */
  concurrency: z.number().int().min(1),
})
export type SystemInfo = z.infer<typeof SystemInfo>
