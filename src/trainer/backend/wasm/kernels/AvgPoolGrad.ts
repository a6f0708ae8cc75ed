import { AvgPoolGrad } from '@tensorflow/tfjs-core'
import { avgPoolGradConfig } from '../poolGrad'
import type { WasmKernel } from '../wasmKernel'

export const kernel: WasmKernel = { kernelName: AvgPoolGrad, config: () => avgPoolGradConfig }
