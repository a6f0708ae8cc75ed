import { AvgPoolGrad } from '@tensorflow/tfjs-core'
import { avgPoolGrad } from '../poolGrad'
import { ownKernel } from '../wasmKernel'

export const kernel = ownKernel(AvgPoolGrad, avgPoolGrad)
