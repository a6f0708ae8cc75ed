import * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { describe, expect, it } from 'vitest'
import { BenchRequest } from '../../../src/shared/protocol/trainerMessages'
import { runInferenceBench } from '../../../src/trainer/bench/inferenceBench'
import { initBackend } from '../../../src/trainer/backend/pickBackend'
import { simdKernelsFor } from '../../../src/trainer/backend/wasm/simdKernels'

describe('the dense vs slimmed inference benchmark on wasm', () => {
  it('times both networks on the shipped convolution, then gives ours back to training', async () => {
    const request = BenchRequest.parse({
      model: 'cnn-small',
      channelSparsity: 0.5,
      batchSizes: [4],
      warmup: 1,
      reps: 2,
      backend: 'wasm',
    })
    await initBackend('wasm')
    // Count our matrix product's convolution calls.
    const kernels = simdKernelsFor(tf.backend() as BackendWasm)!
    const run = kernels.threads.run.bind(kernels.threads)
    let ours = 0
    kernels.threads.run = (name, shares) => {
      if (name === 'convolutionPanels') ours++
      run(name, shares)
    }
    try {
      // cnn-small's dense second layer (32 → 64 channels) is one our product takes.
      tf.tidy(() =>
        tf.conv2d(tf.ones([1, 8, 8, 32]) as tf.Tensor4D, tf.ones([3, 3, 32, 64]) as tf.Tensor4D, 1, 'same'),
      )
      expect(ours).toBe(1)
      const result = await runInferenceBench(request)
      expect(ours).toBe(1)
      expect(result.backend).toMatchObject({ name: 'wasm' })
      expect(result.samples.map((s) => [s.runtime, s.variant, s.latencyMs.length])).toEqual([
        ['tfjs', 'dense', 2],
        ['tfjs', 'slimmed', 2],
        // ONNX Runtime's CPU provider beside it: same batch, same repetitions.
        ['onnxruntime-cpu', 'dense', 2],
        ['onnxruntime-cpu', 'slimmed', 2],
      ])
      expect(result.onnxRuntime?.providers).toContain('cpu')
      // Training in the same process has our convolution back.
      tf.tidy(() =>
        tf.conv2d(tf.ones([1, 8, 8, 32]) as tf.Tensor4D, tf.ones([3, 3, 32, 64]) as tf.Tensor4D, 1, 'same'),
      )
      expect(ours).toBe(2)
    } finally {
      kernels.threads.run = run
    }
  })
})
