import { BatchNormTraining } from '../../../ops/batchNormTraining'
import { batchNormTraining } from '../batchNormTraining'
import { ownKernel } from '../wasmKernel'

export const kernel = ownKernel(BatchNormTraining, batchNormTraining)
