import type { GpuAdapter } from '../../../shared/backends/gpuAdapter'

/**
 * The adapter the webgpu backend runs on, for kernels that choose a program by it (software adapters
 * run barrier-free programs far faster than tfjs' tiled ones). Set by `startWebgpuBackend`; a module of
 * its own so kernels need not import the backend that registers them.
 */
let adapter: GpuAdapter | null = null

export function webgpuAdapterInUse(): GpuAdapter | null {
  return adapter
}

export function setWebgpuAdapterInUse(next: GpuAdapter | null): void {
  adapter = next
}
