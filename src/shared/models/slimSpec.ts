import { keptChannels, keptCount, type AliveChannels } from './channelFlow'
import type { ModelNode, ModelSpec } from './modelSpec'

/** Keep these indices of one axis of a parameter (NHWC weight layout of modelSpec.ts). */
export interface AxisSlice {
  readonly axis: number
  readonly keep: readonly number[]
}

export interface SlimPlan {
  /** The smaller network: same names, narrower widths, channel groups at their alive counts. */
  readonly spec: ModelSpec
  /** Per parameter name, the slices that turn the full tensor into the slim one; absent = unchanged. */
  readonly slices: ReadonlyMap<string, readonly AxisSlice[]>
}

/**
 * The physical slimming of chase-spec §5.1 as data: for every group, its producers' output rows, bias,
 * BN entries and running statistics keep the alive channels, and every reader's input columns follow
 * (the channels flow through BN, ReLU, pooling, flatten and adds, see `keptChannels`).
 */
export function slimSpec(spec: ModelSpec, alive: AliveChannels): SlimPlan {
  const kept = keptChannels(spec, alive)
  const slices = new Map<string, AxisSlice[]>()
  const add = (name: string, axis: number, keep: readonly number[] | null | undefined): void => {
    if (keep) slices.set(name, [...(slices.get(name) ?? []), { axis, keep }])
  }
  const nodes = spec.nodes.map((node): ModelNode => {
    const outKeep = kept.get(node.name) ?? null
    const width = outKeep?.length ?? node.outShape[node.outShape.length - 1]!
    const outShape = [...node.outShape.slice(0, -1), width]
    const inKeep = node.inputs.length > 0 ? kept.get(node.inputs[0]!) : null
    const inWidth = node.inputs.length > 0 ? keptCount(spec, kept, node.inputs[0]!) : 0
    switch (node.kind) {
      case 'conv2d':
        add(`${node.name}.weight`, 2, inKeep)
        add(`${node.name}.weight`, 3, outKeep)
        if (node.useBias) add(`${node.name}.bias`, 0, outKeep)
        return { ...node, outShape, inChannels: inWidth, outChannels: width }
      case 'dense':
        add(`${node.name}.weight`, 0, inKeep)
        add(`${node.name}.weight`, 1, outKeep)
        if (node.useBias) add(`${node.name}.bias`, 0, outKeep)
        return { ...node, outShape, inFeatures: inWidth, outFeatures: width }
      case 'batchnorm':
        for (const p of ['gamma', 'beta', 'runningMean', 'runningVar']) add(`${node.name}.${p}`, 0, inKeep)
        return { ...node, outShape, channels: width }
      default:
        return { ...node, outShape }
    }
  })
  const channelGroups = spec.channelGroups.map((group) => ({
    ...group,
    channels: keptCount(spec, kept, group.producer),
  }))
  return { spec: { ...spec, nodes, channelGroups }, slices }
}
