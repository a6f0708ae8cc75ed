import type { ChannelGroup, ModelBuildOptions, ModelSpec } from '../modelSpec'
import { ResidualStreams } from '../residualStream'
import { SpecBuilder, scaledWidth } from '../specBuilder'

const conv = { bias: false, init: 'kaiming-normal-fan-in' } as const

/**
 * `models/cifar_resnet.py` Model (open_lth, chase-spec §7.2): stem 3×3 conv to 16 + BN + ReLU, three
 * segments of (depth − 2)/6 basic blocks at widths 16/32/64, the first block of segments 2 and 3
 * downsampling with a 1×1 conv + BN shortcut, global average pool, linear head. Names follow the
 * official module tree (`conv`, `bn`, `blocks.i.conv1`, `blocks.i.shortcut.0`, `fc`). Channel plan:
 * block-internal, conv1 → conv2 with bn1 (the official code crashes on it, §9.10; here it works).
 * `pruneSkip` adds one group per stage for the residual stream (see residualStream.ts).
 */
export function cifarResnet(depth: 20 | 32 | 56, options: ModelBuildOptions, pruneSkip = false): ModelSpec {
  const perSegment = (depth - 2) / 6
  const b = new SpecBuilder(options.input)
  const groups: ChannelGroup[] = []
  let x = b.conv('conv', b.inputName, {
    ...conv,
    out: scaledWidth(16, options.widthMultiplier),
    kernel: 3,
    padding: 1,
  })
  x = b.relu('relu', b.batchNorm('bn', x))
  const streams = new ResidualStreams()
  streams.startStream('conv', 'bn', b.channels('conv'))
  let index = 0
  for (const [segment, width] of [16, 32, 64].entries()) {
    const planes = scaledWidth(width, options.widthMultiplier)
    for (let i = 0; i < perSegment; i++) {
      const stride = segment > 0 && i === 0 ? 2 : 1
      const p = `blocks.${index}`
      const input = x
      const c1 = b.conv(`${p}.conv1`, input, { ...conv, out: planes, kernel: 3, stride, padding: 1 })
      let y = b.relu(`${p}.relu1`, b.batchNorm(`${p}.bn1`, c1))
      const c2 = b.conv(`${p}.conv2`, y, { ...conv, out: planes, kernel: 3, padding: 1 })
      y = b.batchNorm(`${p}.bn2`, c2)
      let shortcut = input
      if (stride !== 1 || b.channels(input) !== planes) {
        const sc = b.conv(`${p}.shortcut.0`, input, { ...conv, out: planes, kernel: 1, stride })
        shortcut = b.batchNorm(`${p}.shortcut.1`, sc)
        streams.readStream(c1, sc)
        streams.startStream(sc, `${p}.shortcut.1`, planes)
      } else {
        streams.readStream(c1)
      }
      streams.addToStream(c2)
      x = b.relu(`${p}.relu`, b.add(`${p}.add`, y, shortcut))
      groups.push(b.group(c1, [c2], `${p}.bn1`))
      index += 1
    }
  }
  x = b.globalAvgPool('avgpool', x)
  const logits = b.dense('fc', x, {
    out: options.classes,
    bias: true,
    init: 'kaiming-normal-fan-in',
    biasInit: 'torch-default',
  })
  streams.readStream(logits)
  return b.build({
    name: pruneSkip ? `resnet${depth}-prune-skip` : `resnet${depth}`,
    family: 'cifar-resnet',
    classes: options.classes,
    widthMultiplier: options.widthMultiplier,
    output: logits,
    channelGroups: pruneSkip ? [...groups, ...streams.groups()] : groups,
  })
}
