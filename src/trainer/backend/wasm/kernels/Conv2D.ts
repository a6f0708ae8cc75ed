import { Conv2D } from '@tensorflow/tfjs-core'
import { createConv2dConfig } from '../conv2d'
import type { WasmKernel } from '../wasmKernel'

/** Conv2D on our matrix product where the channels fit and `ownConv2d` is on (see `conv2d.ts`). */
export const kernel: WasmKernel = {
  kernelName: Conv2D,
  config: (shipped, options) => createConv2dConfig(shipped(Conv2D), options),
}
