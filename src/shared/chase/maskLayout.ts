import {
  inputAxis,
  isWeightNode,
  outputAxis,
  weightShape,
  type ModelSpec,
  type WeightNode,
} from '../models/modelSpec'

/** One maskable tensor (a conv or dense weight) and the channel groups that cut into it. */
export interface MaskedTensor {
  /** Node name, e.g. `features.3`. */
  readonly node: string
  /** Parameter name, `<node>.weight`. */
  readonly tensor: string
  /** Parameter name of the bias, when the node has one. */
  readonly bias: string | null
  readonly kind: WeightNode['kind']
  /** tfjs layout: conv [kh, kw, in, out], dense [in, out]. */
  readonly shape: readonly number[]
  readonly size: number
  readonly outAxis: number
  readonly inAxis: number
  readonly outChannels: number
  readonly inChannels: number
  /** Weights per output channel: C_in·k_h·k_w (the UMM denominator). */
  readonly fanIn: number
  /** Output positions per image (H_out·W_out for a conv, 1 for dense): MACs = weights · positions. */
  readonly positions: number
  /** Group whose channels are this tensor's outputs (it is the producer or a tied producer). */
  readonly outGroup: string | null
  /** Group whose channels are this tensor's inputs (it is a consumer). */
  readonly inGroup: string | null
  /** Input entries per group channel: 1 for a conv, H·W when a dense layer reads a flattened map. */
  readonly inRepeat: number
}

/**
 * The maskable tensors of a spec in node order (the global order of every prune and grow), each with
 * its roles in the channel groups. Throws on a spec whose groups do not fit its tensors.
 */
export function maskLayout(spec: ModelSpec): MaskedTensor[] {
  const outGroupOf = new Map<string, string>()
  const inGroupOf = new Map<string, { group: string; channels: number }>()
  for (const group of spec.channelGroups) {
    for (const producer of [group.producer, ...(group.tied ?? [])]) outGroupOf.set(producer, group.name)
    for (const consumer of group.consumers) {
      const previous = inGroupOf.get(consumer)
      if (previous && previous.group !== group.name)
        throw new Error(
          `"${consumer}" consumes both "${previous.group}" and "${group.name}": tie them into one group`,
        )
      inGroupOf.set(consumer, { group: group.name, channels: group.channels })
    }
  }
  const tensors: MaskedTensor[] = []
  for (const node of spec.nodes) {
    if (!isWeightNode(node)) continue
    const shape = weightShape(node)
    const outChannels = shape[outputAxis(node)]!
    const inChannels = shape[inputAxis(node)]!
    const consumed = inGroupOf.get(node.name)
    let inRepeat = 1
    if (consumed) {
      inRepeat = inChannels / consumed.channels
      if (!Number.isInteger(inRepeat))
        throw new Error(
          `"${node.name}" has ${inChannels} inputs, not a multiple of group "${consumed.group}" (${consumed.channels})`,
        )
    }
    const size = shape.reduce((a, b) => a * b, 1)
    tensors.push({
      node: node.name,
      tensor: `${node.name}.weight`,
      bias: node.useBias ? `${node.name}.bias` : null,
      kind: node.kind,
      shape,
      size,
      outAxis: outputAxis(node),
      inAxis: inputAxis(node),
      outChannels,
      inChannels,
      fanIn: size / outChannels,
      positions: node.kind === 'conv2d' ? node.outShape[0]! * node.outShape[1]! : 1,
      outGroup: outGroupOf.get(node.name) ?? null,
      inGroup: consumed?.group ?? null,
      inRepeat,
    })
  }
  return tensors
}
