import { z } from 'zod'
import { BackendName } from './backendNames'
import { GpuAdapter } from './gpuAdapter'

/**
 * What `chase-workbench doctor` says about one compute backend. Plain data with no tfjs import, so the
 * CLI (which never loads tfjs) can validate what the probing child process sends back.
 */
export const BackendDescription = z.object({
  name: BackendName,
  available: z.boolean(),
  /** Why it cannot be used here, with what to do about it. */
  reason: z.string().optional(),
  /** The npm package that provides it. */
  package: z.string(),
  /** Installed version, or null when the package is absent. */
  version: z.string().nullable(),
  /** Threads it computes with, when known. */
  threads: z.number().int().positive().nullable(),
  simd: z.boolean().nullable(),
  notes: z.array(z.string()).default([]),
  /** webgpu only: every adapter Dawn offers, hardware or software, and the one `auto` would take. */
  adapters: z.array(GpuAdapter).optional(),
  autoAdapter: GpuAdapter.nullable().optional(),
})
export type BackendDescription = z.infer<typeof BackendDescription>

export const BackendSurvey = z.object({
  backends: z.array(BackendDescription),
  /** What `auto` would pick: the first available, in order of preference. */
  autoPick: BackendName.nullable(),
})
export type BackendSurvey = z.infer<typeof BackendSurvey>
