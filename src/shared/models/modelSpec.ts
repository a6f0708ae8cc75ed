/**
 * A network as data. The tfjs builder, the mask engine, the slimmer, the FLOPs counter, the ERK planner
 * and the renderer's architecture view all read this one description (architecture.md, "Model specs
 * are data").
 *
 * Conventions (tfjs-native, so training never transposes):
 * - activations are NHWC; `outShape` excludes the batch: [H, W, C] for images, [F] for vectors;
 * - a conv weight is `[kh, kw, inChannels, outChannels]` (output-channel axis 3, input-channel axis 2);
 * - a dense weight is `[inFeatures, outFeatures]` (output axis 1, input axis 0);
 * - parameters are named `<node>.weight`, `<node>.bias`, `<node>.gamma`, `<node>.beta`,
 *   `<node>.runningMean`, `<node>.runningVar`;
 * - padding is explicit and symmetric, with PyTorch's meaning (3×3 stride 1 pad 1 keeps the size).
 */

export type Shape = readonly number[]

/** Weight initialisations of chase-spec.md §7, per model family. */
export type WeightInit =
  | 'kaiming-normal-fan-out' // VGG convs (official weights_init)
  | 'kaiming-normal-fan-in' // cifar_resnet_20/32 convs and linear
  | 'torch-default' // PyTorch's default: kaiming-uniform(a=√5) ⇒ U(±1/√fan_in)
  | 'normal-0.01' // VGG linear
export type BiasInit = 'zeros' | 'torch-default'

interface NodeBase {
  readonly name: string
  readonly inputs: readonly string[]
  readonly outShape: Shape
}

export interface InputNode extends NodeBase {
  readonly kind: 'input'
}
export interface Conv2dNode extends NodeBase {
  readonly kind: 'conv2d'
  readonly inChannels: number
  readonly outChannels: number
  readonly kernelSize: readonly [number, number]
  readonly stride: number
  readonly padding: number
  readonly useBias: boolean
  readonly init: WeightInit
  readonly biasInit: BiasInit
}
export interface DenseNode extends NodeBase {
  readonly kind: 'dense'
  readonly inFeatures: number
  readonly outFeatures: number
  readonly useBias: boolean
  readonly init: WeightInit
  readonly biasInit: BiasInit
}
export interface BatchNormNode extends NodeBase {
  readonly kind: 'batchnorm'
  readonly channels: number
  /** PyTorch convention: running = (1 − momentum)·running + momentum·batch. */
  readonly momentum: number
  readonly epsilon: number
}
export interface ReluNode extends NodeBase {
  readonly kind: 'relu'
}
export interface PoolNode extends NodeBase {
  readonly kind: 'maxpool' | 'avgpool'
  readonly size: number
  readonly stride: number
}
export interface GlobalAvgPoolNode extends NodeBase {
  readonly kind: 'global-avgpool'
}
export interface FlattenNode extends NodeBase {
  readonly kind: 'flatten'
}
export interface AddNode extends NodeBase {
  readonly kind: 'add'
}

export type ModelNode =
  | InputNode
  | Conv2dNode
  | DenseNode
  | BatchNormNode
  | ReluNode
  | PoolNode
  | GlobalAvgPoolNode
  | FlattenNode
  | AddNode
export type NodeKind = ModelNode['kind']
export type WeightNode = Conv2dNode | DenseNode

/**
 * One prunable set of channels and every tensor coupled to it (Torch-Pruning's "group"): removing
 * channel c zeroes the producer's output c (weight rows, bias), leaves the norm's entry c inert, and
 * zeroes input c of every consumer.
 */
export interface ChannelGroup {
  /** Stable name, by convention the producer's node name. */
  readonly name: string
  readonly channels: number
  /** Conv or dense node whose outputs these are. */
  readonly producer: string
  /** BatchNorm node that normalises them, if any. */
  readonly norm?: string
  /** Conv or dense nodes that read these channels as inputs. */
  readonly consumers: readonly string[]
  /**
   * Further producers that share these channels (a residual stream tied across a stage, "prune skip").
   * Empty for every official plan; present so that the extension is data, not code.
   */
  readonly tied?: readonly string[]
}

export interface ModelSpec {
  /** Registry name, e.g. `vgg19`. */
  readonly name: string
  readonly family: string
  /** [H, W, C] of one input image (or [F] for flat input). */
  readonly input: Shape
  readonly classes: number
  readonly widthMultiplier: number
  /** Topologically ordered; the first node is the input. */
  readonly nodes: readonly ModelNode[]
  /** Node whose output is the logits (the loss applies log-softmax + NLL, i.e. cross-entropy). */
  readonly output: string
  readonly channelGroups: readonly ChannelGroup[]
}

export interface ModelBuildOptions {
  /** [H, W, C] of one input image. */
  readonly input: Shape
  readonly classes: number
  readonly widthMultiplier: number
}

/** The output-channel axis of a weight, by node kind (see the conventions above). */
export function outputAxis(node: WeightNode): number {
  return node.kind === 'conv2d' ? 3 : 1
}
export function inputAxis(node: WeightNode): number {
  return node.kind === 'conv2d' ? 2 : 0
}
export function weightShape(node: WeightNode): number[] {
  return node.kind === 'conv2d'
    ? [node.kernelSize[0], node.kernelSize[1], node.inChannels, node.outChannels]
    : [node.inFeatures, node.outFeatures]
}
export function isWeightNode(node: ModelNode): node is WeightNode {
  return node.kind === 'conv2d' || node.kind === 'dense'
}
