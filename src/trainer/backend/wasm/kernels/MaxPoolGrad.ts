import { MaxPoolGrad } from '@tensorflow/tfjs-core'
import { maxPoolGradConfig } from '../poolGrad'
import type { WasmKernel } from '../wasmKernel'

export const kernel: WasmKernel = { kernelName: MaxPoolGrad, config: () => maxPoolGradConfig }
