import { util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core'
import { RunningAverage, type RunningAverageAttrs } from '../../../ops/runningAverage'
import { flatProgram, mainWithIndex, type WebgpuBackendLike } from '../webgpuProgram'
import { ownOpKernel } from '../webgpuKernel'

/**
 * A BN running statistic's update, `running·(1 − m) + (batch·scale)·m`, as one program where tfjs'
 * composite takes three or four (two statistics per BN layer per step). Same order of operations as
 * `ops/runningAverage.ts` (scale 1 multiplies exactly).
 */
function runningAverage({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const { running, batch } = inputs as Record<'running' | 'batch', TensorInfo>
  const { momentum, scale } = attrs as unknown as RunningAverageAttrs
  const size = Math.max(1, util.sizeFromShape(running.shape))
  const flat = (t: TensorInfo): TensorInfo => ({ ...t, shape: [size] })
  const { program, uniformData } = flatProgram({
    shaderKey: 'chaseRunningAverage',
    variableNames: ['running', 'batch'],
    outputShape: [size],
    uniforms: {},
    floatUniforms: { keep: 1 - momentum, momentum, scale },
    body: `${mainWithIndex} {
      if (index < uniforms.size) {
        setOutputAtIndex(index, running[index] * uniforms.keep + (batch[index] * uniforms.scale) * uniforms.momentum);
      }
    }`,
  })
  const gpu = backend as unknown as WebgpuBackendLike
  const out = gpu.runWebGPUProgram(program, [flat(running), flat(batch)], 'float32', uniformData)
  return { ...out, shape: [...running.shape] }
}

export const kernel = ownOpKernel(RunningAverage, runningAverage)
