import { keptChannels, keptCount, type AliveChannels } from './channelFlow'
import { isWeightNode, type ModelSpec, type NodeKind, type Shape } from './modelSpec'

/**
 * Inference cost per image, after `sparselearning/flops.py` (chase-spec §5.2), in multiply-accumulates:
 * conv `weights·H_out·W_out`, dense `weights`. Biases, BN, ReLU, pooling and adds count 0: a bias is an
 * add, not a MAC, and this is the convention behind the reference numbers (VGG-19/C100 398.2 M, where the
 * official `bias·C_out` FLOPs ÷ 2 would add 0.15 M; the ResNets have no conv biases).
 * - dense: every weight of the original network;
 * - gpu: the channel-slimmed network counted dense, `alive_out·alive_in·k²` per conv;
 * - theoretical: the slimmed network's nonzero weights (`nnz`, per `<node>.weight`; a tensor left
 *   out of `nnz` counts as dense inside its alive region).
 */
export interface LayerCost {
  readonly name: string
  readonly kind: NodeKind
  readonly outShape: Shape
  /** Weights of the original tensor (no bias): the maskable count of chase-spec §0 `N`. */
  readonly maskableWeights: number
  /** Weights plus biases of the original network (BN entries not counted, as in chase-spec §5.2). */
  readonly parameters: number
  /** Weights of the channel-slimmed tensor, `alive_out·alive_in·k²`. */
  readonly slimWeights: number
  /** Nonzero weights of the slimmed tensor (the given nnz, else `slimWeights`). */
  readonly nonzeroWeights: number
  readonly denseMacs: number
  readonly gpuMacs: number
  readonly theoreticalMacs: number
}

export interface ModelCost {
  readonly layers: readonly LayerCost[]
  readonly maskableWeights: number
  readonly parameters: number
  readonly slimWeights: number
  readonly nonzeroWeights: number
  readonly denseMacs: number
  readonly gpuMacs: number
  readonly theoreticalMacs: number
}

export interface SparsityState {
  /** Alive flags per channel group; missing groups are fully alive. */
  readonly alive?: AliveChannels
  /** Nonzero weights per weight tensor `<node>.weight`, inside the alive region. */
  readonly nnz?: ReadonlyMap<string, number>
}

const zeroCost = {
  maskableWeights: 0,
  parameters: 0,
  slimWeights: 0,
  nonzeroWeights: 0,
  denseMacs: 0,
  gpuMacs: 0,
  theoreticalMacs: 0,
} as const satisfies Partial<LayerCost>

export function modelCost(spec: ModelSpec, state: SparsityState = {}): ModelCost {
  const kept = keptChannels(spec, state.alive ?? new Map())
  const layers: LayerCost[] = spec.nodes.map((node) => {
    const base = { name: node.name, kind: node.kind, outShape: node.outShape }
    if (!isWeightNode(node)) return { ...base, ...zeroCost }
    const conv = node.kind === 'conv2d'
    const kernel = conv ? node.kernelSize[0] * node.kernelSize[1] : 1
    const inputs = conv ? node.inChannels : node.inFeatures
    const outputs = conv ? node.outChannels : node.outFeatures
    const positions = conv ? node.outShape[0]! * node.outShape[1]! : 1
    const aliveIn = keptCount(spec, kept, node.inputs[0]!)
    const aliveOut = kept.get(node.name)?.length ?? outputs
    const bias = node.useBias ? 1 : 0
    const weights = inputs * outputs * kernel
    const aliveWeights = aliveIn * aliveOut * kernel
    const nnz = Math.min(state.nnz?.get(`${node.name}.weight`) ?? aliveWeights, aliveWeights)
    return {
      ...base,
      maskableWeights: weights,
      parameters: weights + bias * outputs,
      slimWeights: aliveWeights,
      nonzeroWeights: nnz,
      denseMacs: weights * positions,
      gpuMacs: aliveWeights * positions,
      theoreticalMacs: nnz * positions,
    }
  })
  const sum = (key: keyof typeof zeroCost): number => layers.reduce((total, layer) => total + layer[key], 0)
  return {
    layers,
    maskableWeights: sum('maskableWeights'),
    parameters: sum('parameters'),
    slimWeights: sum('slimWeights'),
    nonzeroWeights: sum('nonzeroWeights'),
    denseMacs: sum('denseMacs'),
    gpuMacs: sum('gpuMacs'),
    theoreticalMacs: sum('theoreticalMacs'),
  }
}

/** `N` of chase-spec §0: all conv and dense weights at their original shapes (no bias, no BN). */
export function maskableWeightCount(spec: ModelSpec): number {
  let total = 0
  for (const node of spec.nodes) {
    if (node.kind === 'conv2d')
      total += node.kernelSize[0] * node.kernelSize[1] * node.inChannels * node.outChannels
    else if (node.kind === 'dense') total += node.inFeatures * node.outFeatures
  }
  return total
}
