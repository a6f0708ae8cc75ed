import { BatchNormTraining } from '../../../ops/batchNormTraining'
import { batchNormTrainingConfig } from '../batchNormTraining'
import type { WasmKernel } from '../wasmKernel'

export const kernel: WasmKernel = { kernelName: BatchNormTraining, config: () => batchNormTrainingConfig }
