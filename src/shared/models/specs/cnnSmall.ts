import type { ModelBuildOptions, ModelSpec } from '../modelSpec'
import { SpecBuilder, scaledWidth } from '../specBuilder'

/**
 * A compact CNN for 28×28×1 data that trains in CPU minutes: three 3×3 conv + BN + ReLU blocks of
 * widths 32/64/128 (2×2 max-pools after the first two), global average pool, linear head. The convs
 * have no bias (the BN that follows removes it) and use the VGG init; conv1 and conv2 are prunable.
 */
export function cnnSmall(options: ModelBuildOptions): ModelSpec {
  const b = new SpecBuilder(options.input)
  let x = b.inputName
  const convs: string[] = []
  for (const [i, width] of [32, 64, 128].entries()) {
    const n = i + 1
    const conv = b.conv(`conv${n}`, x, {
      out: scaledWidth(width, options.widthMultiplier),
      kernel: 3,
      padding: 1,
      bias: false,
      init: 'kaiming-normal-fan-out',
    })
    convs.push(conv)
    x = b.relu(`relu${n}`, b.batchNorm(`bn${n}`, conv))
    if (n < 3) x = b.maxPool(`pool${n}`, x, 2)
  }
  x = b.globalAvgPool('avgpool', x)
  const logits = b.dense('fc', x, {
    out: options.classes,
    bias: true,
    init: 'torch-default',
    biasInit: 'torch-default',
  })
  return b.build({
    name: 'cnn-small',
    family: 'cnn',
    classes: options.classes,
    widthMultiplier: options.widthMultiplier,
    output: logits,
    channelGroups: [b.group('conv1', ['conv2'], 'bn1'), b.group('conv2', ['conv3'], 'bn2')],
  })
}
