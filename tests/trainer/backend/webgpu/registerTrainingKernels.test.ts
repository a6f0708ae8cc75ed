import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, expect, it } from 'vitest'
import { registerWebgpuTrainingKernels } from '../../../../src/trainer/backend/webgpu/registerTrainingKernels'
import { startWebgpuBackend, stopWebgpuBackend } from '../../../../src/trainer/backend/webgpuBackend'
import { describeWebgpu } from './softwareGpu'

function registeredFunc(kernelName: string): tf.KernelFunc | undefined {
  return tf.getKernel(kernelName, 'webgpu')?.kernelFunc
}

describeWebgpu('our webgpu kernels', () => {
  beforeAll(async () => {
    await startWebgpuBackend({ allowSoftware: true })
  })

  it('are the ones registered, and registering again changes nothing', () => {
    const first = registerWebgpuTrainingKernels()
    expect(first.map((c) => c.kernelName)).toEqual([
      'AddN',
      'Cast',
      'ChaseBatchNormTraining',
      'ChaseBatchNormTrainingGrad',
      'ChaseRunningAverage',
      'ChaseSgdUpdate',
      'Conv2D',
      'Conv2DBackpropFilter',
    ])
    for (const config of first) expect(registeredFunc(config.kernelName)).toBe(config.kernelFunc)
    const again = registerWebgpuTrainingKernels()
    expect(again.map((c) => c.kernelFunc)).toEqual(first.map((c) => c.kernelFunc))
  })

  it('outlast the backend being removed and started again', async () => {
    const ours = registerWebgpuTrainingKernels()
    stopWebgpuBackend()
    expect(tf.findBackendFactory('webgpu')).toBeNull()
    await startWebgpuBackend({ allowSoftware: true })
    for (const config of ours) expect(registeredFunc(config.kernelName)).toBe(config.kernelFunc)
  })

  it('are put back over a kernel registered in their place', () => {
    const ours = registerWebgpuTrainingKernels()
    const conv = ours.find((c) => c.kernelName === 'Conv2D')!
    tf.unregisterKernel('Conv2D', 'webgpu')
    tf.registerKernel({
      kernelName: 'Conv2D',
      backendName: 'webgpu',
      kernelFunc: () => ({}) as tf.TensorInfo,
    })
    registerWebgpuTrainingKernels()
    expect(registeredFunc('Conv2D')).toBe(conv.kernelFunc)
  })
})
