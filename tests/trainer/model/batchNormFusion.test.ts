import { describe, expect, it } from 'vitest'
import { buildModel } from '../../../src/shared/models/registry'
import type { ModelSpec } from '../../../src/shared/models/modelSpec'
import { activeFusions, batchNormFusions } from '../../../src/trainer/model/batchNormFusion'

const build = (name: string): ModelSpec =>
  buildModel(name, { input: [32, 32, 3], classes: 10, widthMultiplier: 0.25 })

describe('batch-norm fusion plan', () => {
  it('folds a VGG conv bias and the ReLU after every norm', () => {
    const plan = batchNormFusions(build('vgg11'))
    expect(plan.get('features.1')).toMatchObject({ biasOf: 'features.0', relu: 'features.2' })
    expect([...plan.values()].every((f) => f.biasOf !== null && f.relu !== null)).toBe(true)
  })

  it('leaves a residual block’s last norm alone: its output meets the shortcut before the ReLU', () => {
    const plan = batchNormFusions(build('resnet20'))
    expect(plan.get('blocks.0.bn1')).toMatchObject({ biasOf: null, relu: 'blocks.0.relu1' })
    expect(plan.get('blocks.0.bn2')).toMatchObject({ biasOf: null, relu: null })
  })

  it('folds nothing another node also reads', () => {
    const spec = build('cnn-small')
    const bn = spec.nodes.find((n) => n.kind === 'batchnorm')!
    const relu = spec.nodes.find((n) => n.kind === 'relu' && n.inputs[0] === bn.name)!
    // A second reader of the norm's output (as a skip connection would be) keeps the ReLU separate.
    const extra = { ...relu, name: 'extra', inputs: [bn.name] }
    const shared: ModelSpec = { ...spec, nodes: [...spec.nodes, extra] }
    expect(batchNormFusions(shared).get(bn.name)!.relu).toBeNull()
    expect(batchNormFusions(spec).get(bn.name)!.relu).toBe(relu.name)
  })

  it('applies only the norms whose fused kernels run, and names the nodes they take over', () => {
    const spec = build('vgg11')
    // ×0.25 widths: 16, 32, 64, 128 channels; pretend only 16-channel norms can fuse.
    const active = activeFusions(spec, (channels) => channels === 16)
    expect([...active.byNorm.keys()]).toEqual(['features.1'])
    expect([...active.foldedInto].sort()).toEqual(['features.0', 'features.2'])
  })
})
