import { describe, expect, it } from 'vitest'
import { initialValues } from '../../../src/shared/models/init'
import { buildModel } from '../../../src/shared/models/registry'
import { Rng } from '../../../src/shared/rng'

function std(values: Float32Array): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length)
}

describe('initial values (chase-spec §7)', () => {
  const vgg = buildModel('vgg11', { input: [32, 32, 3], classes: 10, widthMultiplier: 0.5 })

  it('gives the same weights for the same seed and different ones for another', () => {
    const a = initialValues(vgg, Rng.fromSeed(7)).get('features.4.weight')!.values
    const b = initialValues(vgg, Rng.fromSeed(7)).get('features.4.weight')!.values
    const c = initialValues(vgg, Rng.fromSeed(8)).get('features.4.weight')!.values
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
  })

  it('draws VGG convs from N(0, 2/fan_out) with zero bias and the head from N(0, 0.01²)', () => {
    const values = initialValues(vgg, Rng.fromSeed(1))
    const conv = values.get('features.4.weight')! // 32 → 64 at width 0.5: fan_out = 64·9
    expect(conv.shape).toEqual([3, 3, 32, 64])
    expect(std(conv.values) / Math.sqrt(2 / (64 * 9))).toBeCloseTo(1, 1) // fan_in would give √2
    expect(values.get('features.4.bias')!.values.every((v) => v === 0)).toBe(true)
    expect(std(values.get('classifier.weight')!.values)).toBeCloseTo(0.01, 3)
    expect(values.get('features.5.gamma')!.values.every((v) => v === 1)).toBe(true)
    expect(values.get('features.5.runningVar')!.values.every((v) => v === 1)).toBe(true)
  })

  it('draws PyTorch-default weights from U(±1/√fan_in) and CIFAR ResNet convs from N(0, 2/fan_in)', () => {
    const r50 = initialValues(
      buildModel('resnet50', { input: [32, 32, 3], classes: 10, widthMultiplier: 0.25 }),
      Rng.fromSeed(1),
    )
    const w = r50.get('layer1.0.conv2.weight')!.values // 16 → 16, 3×3: fan_in 144
    const bound = 1 / Math.sqrt(144)
    expect(Math.max(...w)).toBeLessThanOrEqual(bound)
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-bound)
    expect(std(w)).toBeCloseTo(bound / Math.sqrt(3), 2)
    const r20 = initialValues(
      buildModel('resnet20', { input: [32, 32, 3], classes: 10, widthMultiplier: 1 }),
      Rng.fromSeed(1),
    )
    expect(std(r20.get('blocks.8.conv1.weight')!.values)).toBeCloseTo(Math.sqrt(2 / (64 * 9)), 3)
    expect(r20.has('blocks.8.conv1.bias')).toBe(false)
    expect(r20.has('fc.bias')).toBe(true)
  })
})
