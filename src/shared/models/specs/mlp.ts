import type { ModelBuildOptions, ModelSpec } from '../modelSpec'
import { SpecBuilder, scaledWidth } from '../specBuilder'

/**
 * LeNet-300-100: flatten, dense 300 + ReLU, dense 100 + ReLU, dense head, PyTorch default init. The
 * hidden units are the channels: fc1 and fc2 are prunable (a removed unit zeroes its row, its bias and
 * the next layer's column; no BN).
 */
export function mlp(options: ModelBuildOptions): ModelSpec {
  const b = new SpecBuilder(options.input)
  const layer = { bias: true, init: 'torch-default', biasInit: 'torch-default' } as const
  let x = b.flatten('flatten', b.inputName)
  x = b.relu('relu1', b.dense('fc1', x, { ...layer, out: scaledWidth(300, options.widthMultiplier) }))
  x = b.relu('relu2', b.dense('fc2', x, { ...layer, out: scaledWidth(100, options.widthMultiplier) }))
  const logits = b.dense('fc3', x, { ...layer, out: options.classes })
  return b.build({
    name: 'mlp',
    family: 'mlp',
    classes: options.classes,
    widthMultiplier: options.widthMultiplier,
    output: logits,
    channelGroups: [b.group('fc1', ['fc2']), b.group('fc2', ['fc3'])],
  })
}
