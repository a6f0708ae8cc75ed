import { describe, expect, it } from 'vitest'
import { buildModel } from '../../../src/shared/models/registry'
import { validateSpec } from '../../../src/shared/models/validateSpec'

const spec = buildModel('resnet20', { input: [32, 32, 3], classes: 10, widthMultiplier: 0.5 })

describe('validateSpec', () => {
  it('accepts a registry model', () => {
    expect(validateSpec(spec)).toEqual([])
  })

  it('reports a group whose consumers differ from what the graph feeds', () => {
    const broken = { ...spec, channelGroups: [{ ...spec.channelGroups[0]!, consumers: ['blocks.1.conv1'] }] }
    expect(validateSpec(broken)).toEqual([
      'group "blocks.0.conv1": consumers [blocks.1.conv1] but the graph feeds [blocks.0.conv2]',
    ])
  })

  it('reports a residual group that leaves out a reader of the stream', () => {
    // The stem's channels reach blocks.0.conv1 and, through the identity shortcut, blocks.1.conv1 and beyond.
    const broken = {
      ...spec,
      channelGroups: [{ name: 'conv', channels: 8, producer: 'conv', consumers: ['blocks.0.conv1'] }],
    }
    expect(validateSpec(broken)[0]).toMatch(/graph feeds \[.*blocks\.1\.conv1/)
  })

  it('reports widths that disagree and inputs that come later', () => {
    const nodes = spec.nodes.map((n) => (n.name === 'blocks.0.conv2' ? { ...n, inChannels: 9 } : n))
    expect(validateSpec({ ...spec, nodes })).toContain('"blocks.0.conv2" expects 9 channels, gets 8')
    const reordered = [spec.nodes[0]!, spec.nodes[2]!, spec.nodes[1]!, ...spec.nodes.slice(3)]
    expect(validateSpec({ ...spec, nodes: reordered })[0]).toMatch(
      /reads "conv", which does not come before it/,
    )
  })
})
