import { BatchNormTrainingGrad } from '../../../ops/batchNormTraining'
import { batchNormTrainingGrad } from '../batchNormTraining'
import { ownKernel } from '../wasmKernel'

export const kernel = ownKernel(BatchNormTrainingGrad, batchNormTrainingGrad)
