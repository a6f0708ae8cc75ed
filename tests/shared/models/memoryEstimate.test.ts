import { describe, expect, it } from 'vitest'
import { estimateTrainingMemory } from '../../../src/shared/models/memoryEstimate'
import type { ModelSpec } from '../../../src/shared/models/modelSpec'
import { buildModel } from '../../../src/shared/models/registry'

/** input 4×4×1 → conv 3×3 1→2 (pad 1, bias) → BN → ReLU → flatten 32 → dense 32→3 (bias). */
const tiny: ModelSpec = {
  name: 'tiny',
  family: 'test',
  input: [4, 4, 1],
  classes: 3,
  widthMultiplier: 1,
  output: 'fc',
  channelGroups: [],
  nodes: [
    { kind: 'input', name: 'input', inputs: [], outShape: [4, 4, 1] },
    {
      kind: 'conv2d',
      name: 'conv',
      inputs: ['input'],
      outShape: [4, 4, 2],
      inChannels: 1,
      outChannels: 2,
      kernelSize: [3, 3],
      stride: 1,
      padding: 1,
      useBias: true,
      init: 'torch-default',
      biasInit: 'zeros',
    },
    {
      kind: 'batchnorm',
      name: 'bn',
      inputs: ['conv'],
      outShape: [4, 4, 2],
      channels: 2,
      momentum: 0.1,
      epsilon: 1e-5,
    },
    { kind: 'relu', name: 'relu', inputs: ['bn'], outShape: [4, 4, 2] },
    { kind: 'flatten', name: 'flat', inputs: ['relu'], outShape: [32] },
    {
      kind: 'dense',
      name: 'fc',
      inputs: ['flat'],
      outShape: [3],
      inFeatures: 32,
      outFeatures: 3,
      useBias: true,
      init: 'torch-default',
      biasInit: 'zeros',
    },
  ],
}

describe('training memory estimate', () => {
  it('counts weights, momentum, gradients, masks, activations and the conv workspace by hand', () => {
    const m = estimateTrainingMemory(tiny, { batchSize: 10, evalBatchSize: 100, momentum: 0.9, sparse: true })
    // Trainable: conv 18 + 2 bias, BN γ β 4, dense 96 + 3 bias = 123; BN running mean/var 4 more.
    expect(m.weights).toBe((123 + 4) * 4)
    expect(m.momentum).toBe(123 * 4)
    expect(m.gradients).toBe(123 * 4)
    // One byte per maskable weight (18 + 96).
    expect(m.masks).toBe(114)
    // Outputs 16 + 32 + 32 + 32 + 32 + 3 = 147, plus the largest (32) in flight, per image of the batch;
    // evaluation holds the two largest (64) per image of its bigger batch: 64 · 100 = 6400 > 179 · 10.
    expect(m.activations).toBe(6400 * 4)
    // The conv's patch matrix: 4·4 positions × 3·3·1 per image.
    expect(m.workspace).toBe(16 * 9 * 10 * 4)
    expect(m.total).toBe(m.weights + m.momentum + m.gradients + m.masks + m.activations + m.workspace)
  })

  it('a dense run keeps no masks, and no momentum without it; activations follow the training batch', () => {
    const m = estimateTrainingMemory(tiny, { batchSize: 1000, evalBatchSize: 1, momentum: 0, sparse: false })
    expect(m.masks).toBe(0)
    expect(m.momentum).toBe(0)
    expect(m.activations).toBe(179 * 1000 * 4)
  })

  it('VGG-19 at width ×4 on CIFAR-100 (320 M weights) needs several GiB at batch 128', () => {
    const spec = buildModel('vgg19', { input: [32, 32, 3], classes: 100, widthMultiplier: 4 })
    const m = estimateTrainingMemory(spec, {
      batchSize: 128,
      evalBatchSize: 128,
      momentum: 0.9,
      sparse: true,
    })
    // 320.5 M weights: 1.28 GB each for the weights, the momentum and the gradients.
    expect(m.weights).toBeGreaterThan(320e6 * 4)
    expect(m.momentum).toBeGreaterThan(320e6 * 4)
    expect(m.total).toBeGreaterThan(6 * 2 ** 30)
    const width1 = estimateTrainingMemory(
      buildModel('vgg19', { input: [32, 32, 3], classes: 100, widthMultiplier: 1 }),
      {
        batchSize: 128,
        evalBatchSize: 128,
        momentum: 0.9,
        sparse: true,
      },
    )
    expect(width1.total).toBeLessThan(1.5 * 2 ** 30)
  })
})
