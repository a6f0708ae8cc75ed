// Every kernel file in this folder, in name order. tests/trainer/backend/wasm/kernelList.test.ts fails
// when a file here is missing from this list, or registers a kernel other than its name.
import type { WasmKernel } from '../wasmKernel'
import { kernel as AvgPoolGrad } from './AvgPoolGrad'
import { kernel as BatchMatMul } from './BatchMatMul'
import { kernel as Cast } from './Cast'
import { kernel as ChaseBatchNormTraining } from './ChaseBatchNormTraining'
import { kernel as ChaseBatchNormTrainingGrad } from './ChaseBatchNormTrainingGrad'
import { kernel as ChaseRunningAverage } from './ChaseRunningAverage'
import { kernel as ChaseSgdUpdate } from './ChaseSgdUpdate'
import { kernel as Conv2D } from './Conv2D'
import { kernel as Conv2DBackpropFilter } from './Conv2DBackpropFilter'
import { kernel as Conv2DBackpropInput } from './Conv2DBackpropInput'
import { kernel as Identity } from './Identity'
import { kernel as MaxPoolGrad } from './MaxPoolGrad'
import { kernel as Mean } from './Mean'
import { kernel as Sum } from './Sum'
import { kernel as Tile } from './Tile'

export const wasmKernels: readonly WasmKernel[] = [
  AvgPoolGrad,
  BatchMatMul,
  Cast,
  ChaseBatchNormTraining,
  ChaseBatchNormTrainingGrad,
  ChaseRunningAverage,
  ChaseSgdUpdate,
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  Identity,
  MaxPoolGrad,
  Mean,
  Sum,
  Tile,
]
