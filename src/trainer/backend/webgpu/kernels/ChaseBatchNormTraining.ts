import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import { BatchNormTraining, type BatchNormTrainingAttrs } from '../../../ops/batchNormTraining'
import { batchNormForward } from '../batchNormPrograms'
import type { WebgpuBackendLike } from '../webgpuProgram'
import { ownOpKernel } from '../webgpuKernel'

/** BatchNormTraining(x, gamma, beta, bias?) → [y, mean, variance, saved] in five programs (`batchNormPrograms.ts`). */
function batchNormTraining({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo[] {
  const { x, gamma, beta, bias } = inputs as Record<'x' | 'gamma' | 'beta', TensorInfo> & {
    bias?: TensorInfo
  }
  const { epsilon, relu } = attrs as unknown as BatchNormTrainingAttrs
  const out = batchNormForward(
    backend as unknown as WebgpuBackendLike,
    { x, gamma, beta, ...(bias === undefined ? {} : { bias }) },
    { epsilon, relu },
  )
  return [out.y, out.mean, out.variance, out.saved]
}

export const kernel = ownOpKernel(BatchNormTraining, batchNormTraining)
