import {
  isWeightNode,
  type BiasInit,
  type ChannelGroup,
  type ModelNode,
  type ModelSpec,
  type Shape,
  type WeightInit,
} from './modelSpec'
import { validateSpec } from './validateSpec'

export interface ConvOptions {
  readonly out: number
  readonly kernel: number
  readonly stride?: number
  readonly padding?: number
  readonly bias: boolean
  readonly init: WeightInit
  readonly biasInit?: BiasInit
}

export interface DenseOptions {
  readonly out: number
  readonly bias: boolean
  readonly init: WeightInit
  readonly biasInit?: BiasInit
}

/** PyTorch's BatchNorm2d defaults. */
export const torchBatchNormMomentum = 0.1
export const torchBatchNormEpsilon = 1e-5

/** Channels after a width multiplier: at least one, rounded to the nearest integer. */
export function scaledWidth(channels: number, widthMultiplier: number): number {
  return Math.max(1, Math.round(channels * widthMultiplier))
}

/**
 * Appends nodes in topological order and infers every output shape, so a spec file states only the
 * architecture. Each method returns the new node's name, to be passed as the next node's input;
 * `build` refuses a spec that `validateSpec` faults (so every registry model is consistent by construction).
 */
export class SpecBuilder {
  private readonly nodes: ModelNode[] = []
  private readonly byName = new Map<string, ModelNode>()

  constructor(input: Shape, name = 'input') {
    if (input.length !== 3 && input.length !== 1)
      throw new Error(`input shape must be [H, W, C] or [F], got [${input.join(', ')}]`)
    if (input.some((d) => !Number.isInteger(d) || d < 1))
      throw new Error(`input shape must hold positive integers, got [${input.join(', ')}]`)
    this.push({ kind: 'input', name, inputs: [], outShape: [...input] })
  }

  get inputName(): string {
    return this.nodes[0]!.name
  }

  shape(name: string): Shape {
    const node = this.byName.get(name)
    if (!node) throw new Error(`no node named "${name}"`)
    return node.outShape
  }

  /** Channels (last axis) of a node's output. */
  channels(name: string): number {
    const shape = this.shape(name)
    return shape[shape.length - 1]!
  }

  conv(name: string, from: string, o: ConvOptions): string {
    const [h, w, c] = this.image(from, name)
    const stride = o.stride ?? 1
    const padding = o.padding ?? 0
    const hOut = Math.floor((h + 2 * padding - o.kernel) / stride) + 1
    const wOut = Math.floor((w + 2 * padding - o.kernel) / stride) + 1
    if (hOut < 1 || wOut < 1)
      throw new Error(
        `${name}: a ${o.kernel}×${o.kernel} conv does not fit a ${h}×${w} input: use a larger input`,
      )
    return this.push({
      kind: 'conv2d',
      name,
      inputs: [from],
      outShape: [hOut, wOut, o.out],
      inChannels: c,
      outChannels: o.out,
      kernelSize: [o.kernel, o.kernel],
      stride,
      padding,
      useBias: o.bias,
      init: o.init,
      biasInit: o.biasInit ?? 'zeros',
    })
  }

  dense(name: string, from: string, o: DenseOptions): string {
    const shape = this.shape(from)
    if (shape.length !== 1)
      throw new Error(`${name}: a dense layer needs a flat input, "${from}" is [${shape.join(', ')}]`)
    return this.push({
      kind: 'dense',
      name,
      inputs: [from],
      outShape: [o.out],
      inFeatures: shape[0]!,
      outFeatures: o.out,
      useBias: o.bias,
      init: o.init,
      biasInit: o.biasInit ?? 'zeros',
    })
  }

  batchNorm(name: string, from: string): string {
    const shape = this.shape(from)
    return this.push({
      kind: 'batchnorm',
      name,
      inputs: [from],
      outShape: shape,
      channels: shape[shape.length - 1]!,
      momentum: torchBatchNormMomentum,
      epsilon: torchBatchNormEpsilon,
    })
  }

  relu(name: string, from: string): string {
    return this.push({ kind: 'relu', name, inputs: [from], outShape: this.shape(from) })
  }

  maxPool(name: string, from: string, size: number, stride = size): string {
    return this.pool('maxpool', name, from, size, stride)
  }

  avgPool(name: string, from: string, size: number, stride = size): string {
    return this.pool('avgpool', name, from, size, stride)
  }

  /** Mean over H and W: [H, W, C] → [C]. */
  globalAvgPool(name: string, from: string): string {
    const [, , c] = this.image(from, name)
    return this.push({ kind: 'global-avgpool', name, inputs: [from], outShape: [c] })
  }

  flatten(name: string, from: string): string {
    const size = this.shape(from).reduce((a, b) => a * b, 1)
    return this.push({ kind: 'flatten', name, inputs: [from], outShape: [size] })
  }

  add(name: string, a: string, b: string): string {
    const sa = this.shape(a)
    const sb = this.shape(b)
    if (sa.join('x') !== sb.join('x'))
      throw new Error(`${name}: cannot add [${sa.join(', ')}] and [${sb.join(', ')}]`)
    return this.push({ kind: 'add', name, inputs: [a, b], outShape: sa })
  }

  /** The channel group of a producer: its width comes from the producer's output channels. */
  group(producer: string, consumers: readonly string[], norm?: string): ChannelGroup {
    const node = this.byName.get(producer)
    if (!node || !isWeightNode(node))
      throw new Error(`group producer "${producer}" is not a conv or dense node`)
    const channels = node.kind === 'conv2d' ? node.outChannels : node.outFeatures
    return { name: producer, channels, producer, consumers, ...(norm === undefined ? {} : { norm }) }
  }

  build(meta: {
    name: string
    family: string
    classes: number
    widthMultiplier: number
    output: string
    channelGroups: readonly ChannelGroup[]
  }): ModelSpec {
    const spec: ModelSpec = {
      name: meta.name,
      family: meta.family,
      input: this.nodes[0]!.outShape,
      classes: meta.classes,
      widthMultiplier: meta.widthMultiplier,
      nodes: [...this.nodes],
      output: meta.output,
      channelGroups: meta.channelGroups,
    }
    const problems = validateSpec(spec)
    if (problems.length > 0) throw new Error(`${meta.name} is inconsistent: ${problems.join('; ')}`)
    return spec
  }

  private pool(
    kind: 'maxpool' | 'avgpool',
    name: string,
    from: string,
    size: number,
    stride: number,
  ): string {
    const [h, w, c] = this.image(from, name)
    const hOut = Math.floor((h - size) / stride) + 1
    const wOut = Math.floor((w - size) / stride) + 1
    if (hOut < 1 || wOut < 1)
      throw new Error(`${name}: a ${size}×${size} pool does not fit a ${h}×${w} input: use a larger input`)
    return this.push({ kind, name, inputs: [from], outShape: [hOut, wOut, c], size, stride })
  }

  private image(from: string, user: string): [number, number, number] {
    const shape = this.shape(from)
    if (shape.length !== 3)
      throw new Error(`${user}: needs an [H, W, C] input, "${from}" is [${shape.join(', ')}]`)
    return [shape[0]!, shape[1]!, shape[2]!]
  }

  private push(node: ModelNode): string {
    if (this.byName.has(node.name)) throw new Error(`duplicate node name "${node.name}"`)
    this.nodes.push(node)
    this.byName.set(node.name, node)
    return node.name
  }
}
