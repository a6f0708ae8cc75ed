import { BatchNormTrainingGrad } from '../../../ops/batchNormTraining'
import { batchNormTrainingGradConfig } from '../batchNormTraining'
import type { WasmKernel } from '../wasmKernel'

export const kernel: WasmKernel = {
  kernelName: BatchNormTrainingGrad,
  config: () => batchNormTrainingGradConfig,
}
