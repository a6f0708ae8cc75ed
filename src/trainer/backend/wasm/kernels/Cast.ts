import { Cast } from '@tensorflow/tfjs-core'
import { createCastConfig } from '../identity'
import type { WasmKernel } from '../wasmKernel'

/** Cast to the same dtype shares; to bool writes `x != 0` (see `identity.ts`). */
export const kernel: WasmKernel = {
  kernelName: Cast,
  config: (shipped) => createCastConfig(shipped(Cast)),
}
