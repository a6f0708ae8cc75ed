import { describe, expect, it } from 'vitest'
import { buildModel, hasModel, modelNames } from '../../../src/shared/models/registry'
import { validateSpec } from '../../../src/shared/models/validateSpec'
import type { Conv2dNode, ModelSpec } from '../../../src/shared/models/modelSpec'

const cifar100 = { input: [32, 32, 3], classes: 100, widthMultiplier: 1 } as const

function convs(spec: ModelSpec): Conv2dNode[] {
  return spec.nodes.filter((n): n is Conv2dNode => n.kind === 'conv2d')
}

describe('model registry', () => {
  it('lists every model of the issue', () => {
    expect(modelNames().sort()).toEqual(
      [
        'cnn-small',
        'mlp',
        'resnet18',
        'resnet18-prune-skip',
        'resnet20',
        'resnet20-prune-skip',
        'resnet32-prune-skip',
        'resnet34-prune-skip',
        'resnet50-prune-skip',
        'resnet56-prune-skip',
        'resnet32',
        'resnet34',
        'resnet50',
        'resnet56',
        'vgg11',
        'vgg13',
        'vgg16',
        'vgg19',
      ].sort(),
    )
  })

  it.each(modelNames())('builds a valid %s for several inputs, class counts and widths', (name) => {
    for (const options of [
      cifar100,
      { input: [28, 28, 1], classes: 10, widthMultiplier: 0.25 },
      { input: [64, 48, 3], classes: 7, widthMultiplier: 1.5 },
    ]) {
      const spec = buildModel(name, options)
      expect(validateSpec(spec)).toEqual([])
      expect(spec.name).toBe(name)
      expect(spec.input).toEqual(options.input)
      expect(spec.nodes.find((n) => n.name === spec.output)!.outShape).toEqual([options.classes])
    }
  })

  it('rejects an unknown name with the list of known ones', () => {
    expect(hasModel('toString')).toBe(false)
    expect(() => buildModel('vgg20', cifar100)).toThrow(/unknown model "vgg20": pick one of .*vgg19/)
    expect(() => buildModel('vgg19', { ...cifar100, classes: 0 })).toThrow(/classes/)
  })

  it('scales every width but the head by the width multiplier', () => {
    const full = convs(buildModel('vgg19', cifar100)).map((c) => c.outChannels)
    const quarter = convs(buildModel('vgg19', { ...cifar100, widthMultiplier: 0.25 })).map(
      (c) => c.outChannels,
    )
    expect(quarter).toEqual(full.map((c) => c / 4))
  })
})

describe('VGG (chase-spec §7.1)', () => {
  const spec = buildModel('vgg19', cifar100)

  it('puts the convs at the official features indices, with four max-pools', () => {
    expect(convs(spec).map((c) => c.name)).toEqual(
      [0, 3, 7, 10, 14, 17, 20, 23, 27, 30, 33, 36, 40, 43, 46, 49].map((i) => `features.${i}`),
    )
    expect(spec.nodes.filter((n) => n.kind === 'maxpool').map((n) => n.name)).toEqual([
      'features.6',
      'features.13',
      'features.26',
      'features.39',
    ])
    expect(
      convs(spec).every((c) => c.useBias && c.padding === 1 && c.init === 'kaiming-normal-fan-out'),
    ).toBe(true)
    const head = spec.nodes.find((n) => n.name === 'classifier')
    expect(head).toMatchObject({ kind: 'dense', inFeatures: 512, outFeatures: 100, init: 'normal-0.01' })
  })

  it('makes every conv but the last prunable: 15 groups, B = 4992', () => {
    expect(spec.channelGroups).toHaveLength(15)
    expect(spec.channelGroups.reduce((s, g) => s + g.channels, 0)).toBe(4992)
    expect(spec.channelGroups[0]).toEqual({
      name: 'features.0',
      channels: 64,
      producer: 'features.0',
      norm: 'features.1',
      consumers: ['features.3'],
    })
    expect(spec.channelGroups.at(-1)).toMatchObject({
      producer: 'features.46',
      norm: 'features.47',
      consumers: ['features.49'],
    })
  })

  it('gives the depth-11/13/16 variants 7/9/12 prunable convs', () => {
    expect([11, 13, 16].map((d) => buildModel(`vgg${d}`, cifar100).channelGroups.length)).toEqual([7, 9, 12])
  })
})

describe('ResNets (chase-spec §7.2–7.4)', () => {
  it('ResNet-50 prunes conv1→conv2 and conv2→conv3 of every bottleneck: 32 groups, B = 7552', () => {
    const spec = buildModel('resnet50', cifar100)
    expect(spec.channelGroups).toHaveLength(32)
    expect(spec.channelGroups.reduce((s, g) => s + g.channels, 0)).toBe(7552)
    expect(spec.channelGroups.find((g) => g.name === 'layer3.2.conv1')).toEqual({
      name: 'layer3.2.conv1',
      channels: 256,
      producer: 'layer3.2.conv1',
      norm: 'layer3.2.bn1',
      consumers: ['layer3.2.conv2'],
    })
    expect(spec.channelGroups.find((g) => g.name === 'layer4.0.conv2')?.consumers).toEqual(['layer4.0.conv3'])
    const shortcuts = convs(spec).filter((c) => c.name.endsWith('shortcut.0'))
    expect(shortcuts.map((c) => c.name)).toEqual([
      'layer1.0.shortcut.0',
      'layer2.0.shortcut.0',
      'layer3.0.shortcut.0',
      'layer4.0.shortcut.0',
    ])
    expect(spec.nodes.find((n) => n.name === 'linear')).toMatchObject({ inFeatures: 2048, useBias: false })
    expect(spec.nodes.some((n) => n.kind === 'maxpool')).toBe(false)
  })

  it('ResNet-34 and ResNet-18 prune conv1 of every basic block', () => {
    const r34 = buildModel('resnet34', cifar100)
    expect(r34.channelGroups).toHaveLength(16)
    expect(r34.channelGroups.reduce((s, g) => s + g.channels, 0)).toBe(3776)
    expect(
      r34.channelGroups.every(
        (g) => g.name.endsWith('.conv1') && g.consumers[0] === g.name.replace('conv1', 'conv2'),
      ),
    ).toBe(true)
    expect(buildModel('resnet18', cifar100).channelGroups).toHaveLength(8)
  })

  it('CIFAR ResNet-20/32/56 have (N−2)/6 blocks per segment, each prunable conv1→conv2', () => {
    for (const [depth, blocks] of [
      [20, 9],
      [32, 15],
      [56, 27],
    ] as const) {
      const spec = buildModel(`resnet${depth}`, { ...cifar100, classes: 10 })
      expect(spec.channelGroups).toHaveLength(blocks)
      expect(spec.channelGroups[0]).toMatchObject({
        producer: 'blocks.0.conv1',
        norm: 'blocks.0.bn1',
        consumers: ['blocks.0.conv2'],
      })
      expect(convs(spec).every((c) => c.init === 'kaiming-normal-fan-in' && !c.useBias)).toBe(true)
      expect(spec.nodes.find((n) => n.name === 'fc')).toMatchObject({ inFeatures: 64, outFeatures: 10 })
    }
    const r20 = buildModel('resnet20', cifar100)
    expect(
      convs(r20)
        .filter((c) => c.name.endsWith('shortcut.0'))
        .map((c) => c.name),
    ).toEqual(['blocks.3.shortcut.0', 'blocks.6.shortcut.0'])
  })
})

describe('small models for 28×28×1', () => {
  const options = { input: [28, 28, 1], classes: 10, widthMultiplier: 1 } as const

  it('cnn-small is conv32-conv64-conv128 with the first two prunable', () => {
    const spec = buildModel('cnn-small', options)
    expect(convs(spec).map((c) => c.outChannels)).toEqual([32, 64, 128])
    expect(spec.channelGroups.map((g) => [g.producer, g.consumers[0]])).toEqual([
      ['conv1', 'conv2'],
      ['conv2', 'conv3'],
    ])
  })

  it('mlp is LeNet-300-100 with prunable hidden units', () => {
    const spec = buildModel('mlp', options)
    expect(spec.nodes.filter((n) => n.kind === 'dense').map((n) => n.outShape[0])).toEqual([300, 100, 10])
    expect(spec.channelGroups.map((g) => g.channels)).toEqual([300, 100])
  })
})
