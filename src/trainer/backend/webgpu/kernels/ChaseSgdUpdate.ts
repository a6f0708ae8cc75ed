import { util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core'
import { SgdUpdate, type SgdUpdateAttrs } from '../../../ops/sgdUpdate'
import { flatProgram, mainWithIndex, type WebgpuBackendLike } from '../webgpuProgram'
import { ownOpKernel } from '../webgpuKernel'

/**
 * One SGD step of a parameter in two programs (a program has one output): the momentum buffer, then the
 * weight from it. tfjs' composite takes six elementwise programs per parameter; a VGG-19 has 50
 * parameters, so a step saves some 200 dispatches, whose fixed cost dominates for the small ones (BN
 * scales, biases). The composite's order of operations (`ops/sgdUpdate.ts`); a driver may fuse a
 * multiply-add, so values agree to float32 rounding rather than bit for bit.
 */
function sgdUpdate({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo[] {
  const gpu = backend as unknown as WebgpuBackendLike
  const { weight, grad, buffer } = inputs as Record<'weight' | 'grad' | 'buffer', TensorInfo>
  const { learningRate, momentum, weightDecay } = attrs as unknown as SgdUpdateAttrs
  const size = util.sizeFromShape(weight.shape)
  const c = size % 4 === 0 ? 4 : 1
  const type = c === 4 ? 'vec4<f32>' : 'f32'
  // Flat, so a scalar parameter is one element; the shapes are put back below.
  const flat = (t: TensorInfo): TensorInfo => ({ ...t, shape: [Math.max(1, size)] })
  const next = flatProgram({
    shaderKey: `chaseSgdBuffer${c}`,
    variableNames: ['weight', 'grad', 'buffer'],
    outputShape: [Math.max(1, size)],
    outputComponent: c,
    uniforms: {},
    floatUniforms: { momentum, weightDecay },
    body: `${mainWithIndex} {
      if (index < uniforms.size) {
        var d : ${type} = grad[index];
        if (uniforms.weightDecay != 0.0) {
          d = d + weight[index] * uniforms.weightDecay;
        }
        if (uniforms.momentum != 0.0) {
          d = buffer[index] * uniforms.momentum + d;
        }
        setOutputAtIndex(index, d);
      }
    }`,
  })
  const nextBuffer = gpu.runWebGPUProgram(
    next.program,
    [weight, grad, buffer].map(flat),
    'float32',
    next.uniformData,
  )
  const step = flatProgram({
    shaderKey: `chaseSgdWeight${c}`,
    variableNames: ['weight', 'nextBuffer'],
    outputShape: [Math.max(1, size)],
    outputComponent: c,
    uniforms: {},
    floatUniforms: { learningRate },
    body: `${mainWithIndex} {
      if (index < uniforms.size) {
        setOutputAtIndex(index, weight[index] - nextBuffer[index] * uniforms.learningRate);
      }
    }`,
  })
  const nextWeight = gpu.runWebGPUProgram(
    step.program,
    [flat(weight), nextBuffer],
    'float32',
    step.uniformData,
  )
  return [
    { ...nextWeight, shape: [...weight.shape] },
    { ...nextBuffer, shape: [...weight.shape] },
  ]
}

export const kernel = ownOpKernel(SgdUpdate, sgdUpdate)
