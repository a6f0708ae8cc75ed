import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import { BatchNormTrainingGrad, type BatchNormTrainingAttrs } from '../../../ops/batchNormTraining'
import { batchNormBackward } from '../batchNormPrograms'
import type { WebgpuBackendLike } from '../webgpuProgram'
import { ownOpKernel } from '../webgpuKernel'

interface ZeroMaker {
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo
}

/**
 * BatchNormTrainingGrad(dy, x, gamma, beta, saved) → [dx, dγ, dβ, dbias] in five programs
 * (`batchNormPrograms.ts`). A conv bias ahead of a training-mode normalisation cancels: its gradient
 * is exactly 0.
 */
function batchNormTrainingGrad({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo[] {
  const { dy, x, gamma, beta, saved } = inputs as Record<'dy' | 'x' | 'gamma' | 'beta' | 'saved', TensorInfo>
  const { relu } = attrs as unknown as Pick<BatchNormTrainingAttrs, 'relu'>
  const gpu = backend as unknown as WebgpuBackendLike & ZeroMaker
  const { dx, dGamma, dBeta } = batchNormBackward(gpu, { dy, x, gamma, beta, saved }, { relu })
  const channels = x.shape[x.shape.length - 1]!
  const dBias = gpu.makeTensorInfo([channels], 'float32', new Float32Array(channels))
  return [dx, dGamma, dBeta, dBias]
}

export const kernel = ownOpKernel(BatchNormTrainingGrad, batchNormTrainingGrad)
