// Every kernel file in this folder, in name order. tests/trainer/backend/webgpu/kernelList.test.ts fails
// when a file here is missing from this list, or registers a kernel other than its name.
import type { WebgpuKernel } from '../webgpuKernel'
import { kernel as AddN } from './AddN'
import { kernel as Cast } from './Cast'
import { kernel as ChaseBatchNormTraining } from './ChaseBatchNormTraining'
import { kernel as ChaseBatchNormTrainingGrad } from './ChaseBatchNormTrainingGrad'
import { kernel as ChaseRunningAverage } from './ChaseRunningAverage'
import { kernel as ChaseSgdUpdate } from './ChaseSgdUpdate'
import { kernel as Conv2D } from './Conv2D'
import { kernel as Conv2DBackpropFilter } from './Conv2DBackpropFilter'

export const webgpuKernels: readonly WebgpuKernel[] = [
  AddN,
  Cast,
  ChaseBatchNormTraining,
  ChaseBatchNormTrainingGrad,
  ChaseRunningAverage,
  ChaseSgdUpdate,
  Conv2D,
  Conv2DBackpropFilter,
]
