import { MaxPoolGrad } from '@tensorflow/tfjs-core'
import { maxPoolGrad } from '../poolGrad'
import { ownKernel } from '../wasmKernel'

export const kernel = ownKernel(MaxPoolGrad, maxPoolGrad)
