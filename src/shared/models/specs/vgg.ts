import type { ModelBuildOptions, ModelSpec } from '../modelSpec'
import { SpecBuilder, scaledWidth } from '../specBuilder'

type VggConfig = readonly (number | 'M')[]

/** `models/vgg.py` defaultcfg: numbers are 3×3 conv widths, `M` a 2×2 max-pool (only four, §7.1). */
const configs: Readonly<Record<11 | 13 | 16 | 19, VggConfig>> = {
  11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512],
  13: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512],
  16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512],
  19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512],
}

/**
 * CIFAR VGG with BatchNorm (chase-spec §7.1): `features` is the flat Sequential of the official code,
 * so conv i is `features.i`, its BN `features.{i+1}`, its ReLU `features.{i+2}`. The official
 * AvgPool2d(2) meets a 2×2 map at 32×32 input, i.e. a global average; it is written as one so any
 * input size works. Every conv except the last is prunable, consumed by the next conv.
 */
export function vgg(depth: 11 | 13 | 16 | 19, options: ModelBuildOptions): ModelSpec {
  const b = new SpecBuilder(options.input)
  let x = b.inputName
  let index = 0
  const convs: string[] = []
  for (const item of configs[depth]) {
    if (item === 'M') {
      x = b.maxPool(`features.${index}`, x, 2)
      index += 1
      continue
    }
    const conv = b.conv(`features.${index}`, x, {
      out: scaledWidth(item, options.widthMultiplier),
      kernel: 3,
      padding: 1,
      bias: true,
      init: 'kaiming-normal-fan-out',
      biasInit: 'zeros',
    })
    convs.push(conv)
    x = b.relu(`features.${index + 2}`, b.batchNorm(`features.${index + 1}`, conv))
    index += 3
  }
  x = b.globalAvgPool('avgpool', x)
  const logits = b.dense('classifier', x, {
    out: options.classes,
    bias: true,
    init: 'normal-0.01',
    biasInit: 'zeros',
  })
  const channelGroups = convs.slice(0, -1).map((conv, i) => b.group(conv, [convs[i + 1]!], nextName(conv)))
  return b.build({
    name: `vgg${depth}`,
    family: 'vgg',
    classes: options.classes,
    widthMultiplier: options.widthMultiplier,
    output: logits,
    channelGroups,
  })
}

function nextName(conv: string): string {
  return `features.${Number(conv.split('.')[1]) + 1}`
}
