import { describe, expect, it } from 'vitest'
import { maskLayout } from '../../../src/shared/chase/maskLayout'
import { buildModel } from '../../../src/shared/models/registry'
import { SpecBuilder } from '../../../src/shared/models/specBuilder'

describe('maskLayout', () => {
  it('gives VGG-19 middle convs both roles and leaves the last conv an unpruned consumer', () => {
    const layout = maskLayout(buildModel('vgg19', { input: [32, 32, 3], classes: 100, widthMultiplier: 1 }))
    const byNode = new Map(layout.map((t) => [t.node, t]))
    expect(byNode.get('features.0')).toMatchObject({
      outGroup: 'features.0',
      inGroup: null,
      bias: 'features.0.bias',
      fanIn: 27,
    })
    expect(byNode.get('features.3')).toMatchObject({
      outGroup: 'features.3',
      inGroup: 'features.0',
      positions: 1024,
    })
    expect(byNode.get('features.49')).toMatchObject({ outGroup: null, inGroup: 'features.46', positions: 4 })
    expect(byNode.get('classifier')).toMatchObject({
      outGroup: null,
      inGroup: null,
      kind: 'dense',
      outAxis: 1,
      inAxis: 0,
    })
  })

  it('repeats a group once per position when a dense layer reads a flattened map', () => {
    const b = new SpecBuilder([4, 4, 1])
    const conv = b.conv('conv', b.inputName, {
      out: 3,
      kernel: 3,
      padding: 1,
      bias: false,
      init: 'torch-default',
    })
    const logits = b.dense('fc', b.flatten('flat', conv), { out: 2, bias: false, init: 'torch-default' })
    const spec = b.build({
      name: 't',
      family: 't',
      classes: 2,
      widthMultiplier: 1,
      output: logits,
      channelGroups: [b.group(conv, ['fc'])],
    })
    expect(maskLayout(spec)[1]).toMatchObject({ node: 'fc', inGroup: 'conv', inRepeat: 16, inChannels: 48 })
  })
})
