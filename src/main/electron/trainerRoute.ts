import type { BackendChoice } from '../../shared/backends/backendNames'
import type { SystemNode } from './systemNode'

/**
 * Backends whose bindings cannot read results back inside Electron: Dawn's Node bindings wrap mapped
 * GPU memory in an external ArrayBuffer, which Electron's V8 memory cage refuses. tfjs-node copies
 * into V8's heap, so tensorflow and tensorflow-gpu stay in the utility process (docs/gpu-desktop.md).
 */
export const backendsOutsideElectron: ReadonlySet<BackendChoice> = new Set<BackendChoice>(['webgpu'])

/** Where the desktop shell starts one trainer. */
export type TrainerRoute =
  | { readonly via: 'utility-process' }
  | { readonly via: 'system-node'; readonly nodePath: string }
  | { readonly via: 'refused'; readonly error: string }

/**
 * Picks the process for a run or benchmark from the backend it asks for. `auto` stays in the utility
 * process: the shell has no adapter survey, and there the trainer's `auto` skips webgpu.
 */
export function trainerRouteFor(backend: BackendChoice | undefined, systemNode: SystemNode): TrainerRoute {
  if (backend === undefined || !backendsOutsideElectron.has(backend)) return { via: 'utility-process' }
  if (systemNode.found) return { via: 'system-node', nodePath: systemNode.path }
  return {
    via: 'refused',
    error: `The "${backend}" backend needs Node.js outside the app. ${systemNode.reason}`,
  }
}
