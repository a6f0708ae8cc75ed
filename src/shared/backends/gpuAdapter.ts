import { z } from 'zod'

/**
 * A WebGPU adapter as the trainer saw it: recorded on a run that trained on it and listed by `doctor`.
 * Plain data (no Dawn import) so the CLI and the store can validate it.
 */
export const GpuAdapter = z.object({
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
  /** A CPU pretending to be a GPU (SwiftShader, llvmpipe/lavapipe, or marked as fallback): `auto` skips it. */
  software: z.boolean(),
  /** The limits a training run can hit: its largest tensor must fit one storage buffer. */
  limits: z.object({
    maxStorageBufferBindingSize: z.number(),
    maxBufferSize: z.number(),
    maxComputeWorkgroupStorageSize: z.number(),
    maxComputeInvocationsPerWorkgroup: z.number(),
  }),
})
export type GpuAdapter = z.infer<typeof GpuAdapter>

/** One line naming an adapter, e.g. "nvidia ampere (NVIDIA GeForce RTX 3090), hardware". */
export function describeAdapter(adapter: GpuAdapter): string {
  const name = adapter.description || adapter.device
  const kind = adapter.software ? 'software' : 'hardware'
  return (
    `${adapter.vendor || 'unknown vendor'} ${adapter.architecture || ''}`.trim() +
    (name ? ` (${name})` : '') +
    `, ${kind}`
  )
}
