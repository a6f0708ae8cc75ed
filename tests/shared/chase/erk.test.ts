import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { layerDensities, erkScore } from '../../../src/shared/chase/erk'
import { maskableWeightCount, parameterBudget } from '../../../src/shared/chase/budget'
import { resnet50Tensors, vgg19Tensors } from './paperShapes'

const byName = (names: string[], densities: number[]) => new Map(names.map((n, i) => [n, densities[i]!]))

describe('ERK densities (chase-spec.md §2.2)', () => {
  it('reproduces the VGG-19/CIFAR-100 table at d = 0.1', () => {
    const tensors = vgg19Tensors()
    const { densities, dense } = layerDensities(tensors, 0.1, 'ERK')
    const d = byName(
      tensors.map((t) => t.name),
      densities,
    )
    expect(dense).toEqual(['features.0', 'classifier'])
    expect(d.get('features.0')).toBe(1)
    expect(d.get('classifier')).toBe(1)
    expect(d.get('features.3')).toBeCloseTo(0.6751, 4)
    expect(d.get('features.7')).toBeCloseTo(0.4987, 4)
    expect(d.get('features.10')).toBeCloseTo(0.33, 4)
    expect(d.get('features.14')).toBeCloseTo(0.2456, 4)
    for (const n of [17, 20, 23]) expect(d.get(`features.${n}`)).toBeCloseTo(0.1631, 4)
    expect(d.get('features.27')).toBeCloseTo(0.1219, 4)
    for (const n of [30, 33, 36, 40, 43, 46, 49]) expect(d.get(`features.${n}`)).toBeCloseTo(0.0811, 4)
  })

  it('gives VGG-19 N = 20,070,080 and the budget 2,007,008.0', () => {
    const n = maskableWeightCount(vgg19Tensors().map((t) => t.shape))
    expect(n).toBe(20_070_080)
    expect(parameterBudget(0.1, n)).toBeCloseTo(2_007_008.0, 6)
  })

  it('reproduces the ResNet-50/CIFAR-100 table at d = 0.1', () => {
    const tensors = resnet50Tensors()
    const { densities } = layerDensities(tensors, 0.1, 'ERK')
    const d = byName(
      tensors.map((t) => t.name),
      densities,
    )
    expect(d.get('conv1')).toBe(1)
    expect(d.get('layer1.0.conv1')).toBe(1)
    for (const b of [0, 1, 2]) expect(d.get(`layer1.${b}.conv2`)).toBeCloseTo(0.1675, 4)
    for (const name of [
      'layer1.0.conv3',
      'layer1.0.shortcut',
      'layer1.1.conv1',
      'layer1.1.conv3',
      'layer1.2.conv1',
    ])
      expect(d.get(name)).toBeCloseTo(0.9055, 4)
    expect(d.get('layer2.1.conv2')).toBeCloseTo(0.0819, 4)
    expect(d.get('layer3.4.conv2')).toBeCloseTo(0.0405, 4)
    expect(d.get('layer4.2.conv2')).toBeCloseTo(0.0201, 4)
    expect(d.get('layer4.2.conv3')).toBeCloseTo(0.1126, 4)
    expect(d.get('linear')).toBeCloseTo(0.4832, 4)
  })

  it('gives ResNet-50 N = 23,652,032 and the budget 2,365,203.2', () => {
    const n = maskableWeightCount(resnet50Tensors().map((t) => t.shape))
    expect(n).toBe(23_652_032)
    expect(parameterBudget(0.1, n)).toBeCloseTo(2_365_203.2, 6)
  })

  it('scores a conv by all four dimensions', () => {
    expect(erkScore([3, 3, 64, 64])).toBeCloseTo((3 + 3 + 64 + 64) / (3 * 3 * 64 * 64), 15)
  })

  it('gives every layer d under uniform', () => {
    const { densities } = layerDensities(vgg19Tensors(), 0.2, 'uniform')
    expect(new Set(densities)).toEqual(new Set([0.2]))
  })

  it('ER drops the kernel dimensions and so favours convs less than ERK', () => {
    const tensors = vgg19Tensors()
    const erk = layerDensities(tensors, 0.1, 'ERK').densities
    const er = layerDensities(tensors, 0.1, 'ER').densities
    expect(er).not.toEqual(erk)
    // ER scores (in + out)/(in·out): 1/32 for features.3 (64→64), 1/256 for features.49 (512→512).
    expect(er[1]! / er[15]!).toBeCloseTo(512 / 64, 6)
  })

  const shapesArb = fc.array(
    fc.oneof(
      fc
        .tuple(fc.constantFrom(1, 3, 5), fc.integer({ min: 1, max: 256 }), fc.integer({ min: 1, max: 256 }))
        .map(([k, i, o]) => [k, k, i, o]),
      fc.tuple(fc.integer({ min: 1, max: 1024 }), fc.integer({ min: 1, max: 1024 })).map(([i, o]) => [i, o]),
    ),
    { minLength: 1, maxLength: 12 },
  )

  it('keeps every density in (0, 1] and hits the budget d·N exactly (ERK and ER)', () => {
    fc.assert(
      fc.property(
        shapesArb,
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.constantFrom('ERK', 'ER'),
        (shapes, d, kind) => {
          const tensors = shapes.map((shape, i) => ({ name: `t${i}`, shape }))
          const { densities } = layerDensities(tensors, d, kind as 'ERK' | 'ER')
          const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1))
          const total = sizes.reduce((a, b) => a + b, 0)
          const kept = densities.reduce((acc, density, l) => acc + density * sizes[l]!, 0)
          for (const density of densities) {
            expect(density).toBeGreaterThan(0)
            expect(density).toBeLessThanOrEqual(1 + 1e-12)
          }
          expect(Math.abs(kept - d * total)).toBeLessThan(1e-6 * total)
        },
      ),
    )
  })
})
