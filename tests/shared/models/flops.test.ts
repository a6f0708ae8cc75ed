import { describe, expect, it } from 'vitest'
import { maskableWeightCount, modelCost } from '../../../src/shared/models/flops'
import { buildModel } from '../../../src/shared/models/registry'

const cifar100 = { input: [32, 32, 3], classes: 100, widthMultiplier: 1 } as const

describe('maskable weights and dense MACs (chase-spec §0, §5.2, §10.2)', () => {
  it('VGG-19/C100 has N = 20,070,080 and ≈ 398.2 M MACs', () => {
    const spec = buildModel('vgg19', cifar100)
    expect(maskableWeightCount(spec)).toBe(20_070_080)
    const cost = modelCost(spec)
    expect(cost.maskableWeights).toBe(20_070_080)
    expect(cost.denseMacs).toBe(398_182_400)
    expect(cost.parameters).toBe(20_075_684) // "20.08 M params incl. biases"
  })

  it('ResNet-50/C100 has N = 23,652,032 and ≈ 1298 M MACs', () => {
    const spec = buildModel('resnet50', cifar100)
    expect(maskableWeightCount(spec)).toBe(23_652_032)
    expect(modelCost(spec).denseMacs).toBe(1_298_014_208)
  })

  it('counts a conv as k²·C_in·C_out·H_out·W_out and the head as its weights', () => {
    const cost = modelCost(buildModel('vgg19', cifar100))
    expect(cost.layers.find((l) => l.name === 'features.0')!.denseMacs).toBe(3 * 3 * 3 * 64 * 32 * 32)
    expect(cost.layers.find((l) => l.name === 'features.49')!.denseMacs).toBe(9 * 512 * 512 * 2 * 2)
    expect(cost.layers.find((l) => l.name === 'classifier')!.denseMacs).toBe(512 * 100)
    expect(cost.layers.filter((l) => l.kind === 'batchnorm').every((l) => l.denseMacs === 0)).toBe(true)
  })
})

describe('GPU-supported and theoretical MACs', () => {
  const spec = buildModel('vgg11', { input: [32, 32, 3], classes: 10, widthMultiplier: 0.25 })

  it('equal the dense count when nothing is removed or sparse', () => {
    const cost = modelCost(spec)
    expect(cost.gpuMacs).toBe(cost.denseMacs)
    expect(cost.theoreticalMacs).toBe(cost.denseMacs)
  })

  it('count alive_out·alive_in·k² on both sides of a removed channel set', () => {
    // features.0 has 16 channels; keep 10. Its own MACs and its consumer's drop to 10/16.
    const alive = new Map([['features.0', Array.from({ length: 16 }, (_, c) => c < 10)]])
    const before = modelCost(spec)
    const after = modelCost(spec, { alive })
    const layer = (cost: typeof before, name: string): number =>
      cost.layers.find((l) => l.name === name)!.gpuMacs
    expect(layer(after, 'features.0')).toBe(3 * 3 * 3 * 10 * 32 * 32)
    expect(layer(after, 'features.4')).toBe(3 * 3 * 10 * 32 * 16 * 16)
    expect(layer(after, 'features.8')).toBe(layer(before, 'features.8'))
    expect(layer(before, 'features.8')).toBeGreaterThan(0)
    expect(after.denseMacs).toBe(before.denseMacs)
    expect(after.maskableWeights - after.slimWeights).toBe(27 * 6 + 9 * 6 * 32)
  })

  it('count only nonzero weights for the theoretical MACs', () => {
    const nnz = new Map([['features.0.weight', 100]])
    const cost = modelCost(spec, { nnz })
    expect(cost.layers.find((l) => l.name === 'features.0')!.theoreticalMacs).toBe(100 * 32 * 32)
    expect(cost.theoreticalMacs).toBe(cost.denseMacs - (3 * 3 * 3 * 16 - 100) * 32 * 32)
    expect(cost.nonzeroWeights).toBe(cost.maskableWeights - (3 * 3 * 3 * 16 - 100))
  })

  it('follows removed channels through a flatten into a dense consumer', () => {
    const mlp = buildModel('mlp', { input: [28, 28, 1], classes: 10, widthMultiplier: 1 })
    const alive = new Map([['fc2', Array.from({ length: 100 }, (_, c) => c % 4 === 0)]])
    const cost = modelCost(mlp, { alive })
    expect(cost.layers.find((l) => l.name === 'fc3')!.gpuMacs).toBe(25 * 10)
    expect(cost.layers.find((l) => l.name === 'fc2')!.gpuMacs).toBe(300 * 25)
  })

  it('rejects an alive vector of the wrong length or with no channel left', () => {
    expect(() => modelCost(spec, { alive: new Map([['features.0', [1, 1]]]) })).toThrow(
      /2 entries, the group has 16/,
    )
    expect(() => modelCost(spec, { alive: new Map([['features.0', new Uint8Array(16)]]) })).toThrow(
      /no alive channel/,
    )
  })
})
