import { Identity } from '@tensorflow/tfjs-core'
import { createIdentityConfig } from '../identity'
import type { WasmKernel } from '../wasmKernel'

/** Identity shares its input's memory (see `identity.ts`). */
export const kernel: WasmKernel = {
  kernelName: Identity,
  config: (shipped) => createIdentityConfig(shipped(Identity)),
}
