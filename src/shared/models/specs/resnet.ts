import type { ChannelGroup, ModelBuildOptions, ModelSpec } from '../modelSpec'
import { ResidualStreams } from '../residualStream'
import { SpecBuilder, scaledWidth } from '../specBuilder'

type Block = 'basic' | 'bottleneck'

const variants = {
  18: { block: 'basic', blocks: [2, 2, 2, 2] },
  34: { block: 'basic', blocks: [3, 4, 6, 3] },
  50: { block: 'bottleneck', blocks: [3, 4, 6, 3] },
} as const satisfies Record<number, { block: Block; blocks: readonly number[] }>

const conv = { bias: false, init: 'torch-default' } as const

/**
 * `sparselearning/resnet_cifar100.py` ResNetbasic / ResNet (chase-spec §7.3, §7.4): 3×3 stem without
 * max-pool, stages of width 64/128/256/512 with strides 1/2/2/2, PyTorch default init, bias-free
 * linear head. The official `avg_pool2d(4)` meets a 4×4 map at 32×32 input, so it is written as a
 * global average. Prunable exactly as the official plan: block-internal widths only (basic: conv1 →
 * conv2 with bn1; bottleneck: conv1 → conv2 with bn1 and conv2 → conv3 with bn2).
 */
export function resnet(depth: 18 | 34 | 50, options: ModelBuildOptions, pruneSkip = false): ModelSpec {
  const { block, blocks } = variants[depth]
  const expansion = block === 'basic' ? 1 : 4
  const b = new SpecBuilder(options.input)
  const groups: ChannelGroup[] = []
  const stemWidth = scaledWidth(64, options.widthMultiplier)
  let x = b.conv('conv1', b.inputName, { ...conv, out: stemWidth, kernel: 3, padding: 1 })
  x = b.relu('relu1', b.batchNorm('bn1', x))
  // With prune skip the stem is a group of its own until the first projection starts a stream.
  const streams = new ResidualStreams()
  streams.startStream('conv1', 'bn1', stemWidth)
  blocks.forEach((count, stage) => {
    const planes = scaledWidth(64 * 2 ** stage, options.widthMultiplier)
    for (let i = 0; i < count; i++) {
      const stride = i === 0 && stage > 0 ? 2 : 1
      const p = `layer${stage + 1}.${i}`
      const input = x
      let y: string
      if (block === 'basic') {
        const c1 = b.conv(`${p}.conv1`, input, { ...conv, out: planes, kernel: 3, stride, padding: 1 })
        y = b.relu(`${p}.relu1`, b.batchNorm(`${p}.bn1`, c1))
        const c2 = b.conv(`${p}.conv2`, y, { ...conv, out: planes, kernel: 3, padding: 1 })
        y = b.batchNorm(`${p}.bn2`, c2)
        groups.push(b.group(c1, [c2], `${p}.bn1`))
      } else {
        const c1 = b.conv(`${p}.conv1`, input, { ...conv, out: planes, kernel: 1 })
        y = b.relu(`${p}.relu1`, b.batchNorm(`${p}.bn1`, c1))
        const c2 = b.conv(`${p}.conv2`, y, { ...conv, out: planes, kernel: 3, stride, padding: 1 })
        y = b.relu(`${p}.relu2`, b.batchNorm(`${p}.bn2`, c2))
        const c3 = b.conv(`${p}.conv3`, y, { ...conv, out: planes * expansion, kernel: 1 })
        y = b.batchNorm(`${p}.bn3`, c3)
        groups.push(b.group(c1, [c2], `${p}.bn1`), b.group(c2, [c3], `${p}.bn2`))
      }
      let shortcut = input
      if (stride !== 1 || b.channels(input) !== planes * expansion) {
        const sc = b.conv(`${p}.shortcut.0`, input, { ...conv, out: planes * expansion, kernel: 1, stride })
        shortcut = b.batchNorm(`${p}.shortcut.1`, sc)
        streams.readStream(`${p}.conv1`, sc)
        streams.startStream(sc, `${p}.shortcut.1`, planes * expansion)
      } else {
        streams.readStream(`${p}.conv1`)
      }
      streams.addToStream(block === 'basic' ? `${p}.conv2` : `${p}.conv3`)
      x = b.relu(`${p}.relu`, b.add(`${p}.add`, y, shortcut))
    }
  })
  x = b.globalAvgPool('avgpool', x)
  const logits = b.dense('linear', x, { out: options.classes, bias: false, init: 'torch-default' })
  streams.readStream(logits)
  return b.build({
    name: pruneSkip ? `resnet${depth}-prune-skip` : `resnet${depth}`,
    family: 'resnet',
    classes: options.classes,
    widthMultiplier: options.widthMultiplier,
    output: logits,
    channelGroups: pruneSkip ? [...groups, ...streams.groups()] : groups,
  })
}
