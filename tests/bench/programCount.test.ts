import * as tf from '@tensorflow/tfjs-core'
// Gradient functions (tfjs-core's Node bundle registers none; tfjs-layers registers them all).
import '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { countPrograms } from '../../bench/gpu/programCount'
import { stopWebgpuBackend } from '../../src/trainer/backend/webgpuBackend'
import { batchNormTraining } from '../../src/trainer/ops/batchNormTraining'
import { runningAverage } from '../../src/trainer/ops/runningAverage'
import { sgdUpdate } from '../../src/trainer/ops/sgdUpdate'
import { describeWebgpu } from '../trainer/backend/webgpu/softwareGpu'
import { startSoftwareWebgpu } from '../trainer/backend/webgpu/parity'

/** Programs `compute` dispatches, its outputs read (so nothing is left pending) and disposed. */
const programsOf = (compute: () => tf.Tensor[]) =>
  countPrograms(async () => {
    const outputs = tf.tidy(compute)
    await Promise.all(outputs.map((o) => o.data()))
    tf.dispose(outputs)
  })

// What docs/architecture.md says our op kernels dispatch, counted on the backend.
describeWebgpu('GPU programs per op on webgpu', () => {
  beforeAll(startSoftwareWebgpu)
  afterAll(() => stopWebgpuBackend())
  const x = () => tf.add(tf.fill([2, 8, 8, 16], 0.5), tf.range(0, 16))
  const normalise = (xs: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) =>
    batchNormTraining(xs, gamma, beta, { bias: null, epsilon: 1e-5, relu: true })

  it('counts 2 for the SGD step and 1 for a running average', async () => {
    const attrs = { learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4 }
    const [w, g, b] = [1, 2, 3].map((v) => tf.fill([64], v))
    expect(await programsOf(() => Object.values(sgdUpdate(w!, g!, b!, attrs)))).toBe(2)
    expect(await programsOf(() => [runningAverage(w!, g!, { momentum: 0.1, scale: 1 })])).toBe(1)
    tf.dispose([w!, g!, b!])
  })

  it('counts 5 for batch norm forward and 5 more for its gradients', async () => {
    const [xs, gamma, beta] = tf.tidy(() => [x(), tf.ones([16]), tf.zeros([16])])
    const forward = await programsOf(() => {
      const out = normalise(xs!, gamma!, beta!)
      return [out.y, out.mean, out.variance]
    })
    expect(forward).toBe(5)
    const both = await programsOf(() =>
      tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(normalise(a, g, b).y))([
        xs!,
        gamma!,
        beta!,
      ]),
    )
    // Two of them are tfjs': the sum, and its gradient broadcast back to x's shape.
    expect(both - forward).toBe(5 + 2)
    tf.dispose([xs!, gamma!, beta!])
  })
})
