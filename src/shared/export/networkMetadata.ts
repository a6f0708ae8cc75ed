import { classNames } from '../data/classNames'
import { datasets, type DatasetName } from '../data/datasets'
import type { ModelSpec } from '../models/modelSpec'

/** Files a finished run leaves in its folder for the exporters. */
export const runFiles = {
  /** The trained network at full width (pruned weights are zeros). */
  denseNetwork: 'dense.ckpt',
  slimmedNetwork: 'slimmed.ckpt',
  /** `{ dense: NetworkMetadata, slimmed: NetworkMetadata }` */
  metadata: 'network-metadata.json',
  slimmedTfjs: 'slimmed-model',
} as const

export type NetworkVariant = 'dense' | 'slimmed'

/**
 * Everything a client needs to feed an exported network without guessing, written into every export
 * (tfjs `userDefinedMetadata`, ONNX `metadata_props`, safetensors `__metadata__`).
 */
export interface NetworkMetadata {
  readonly producer: 'chase-workbench'
  readonly runId: string
  readonly configHash: string
  readonly network: NetworkVariant
  readonly model: string
  readonly dataset: DatasetName
  readonly input: {
    /** One image, without the batch axis, in `layout` order. */
    readonly shape: readonly number[]
    readonly layout: 'NHWC' | 'NCHW'
    readonly dtype: 'float32'
  }
  readonly preprocessing: {
    /** Pixels are bytes 0–255, multiplied by `pixelScale`, then normalised per channel. */
    readonly pixelScale: number
    readonly mean: readonly number[]
    readonly std: readonly number[]
    readonly formula: string
  }
  readonly output: { readonly kind: 'logits'; readonly classes: number }
  readonly classNames: readonly string[]
  /** The accuracies the run measured for this network, and on how many test images. */
  readonly accuracy: {
    readonly testAccuracy: number | null
    readonly testImages: number
    readonly measuredAs: string
  }
  /** Output width of every conv and dense layer, by node name: enough to rebuild the architecture. */
  readonly layerWidths: Readonly<Record<string, number>>
}

export interface NetworkMetadataInput {
  readonly runId: string
  readonly configHash: string
  readonly network: NetworkVariant
  readonly spec: ModelSpec
  readonly dataset: DatasetName
  readonly layout: 'NHWC' | 'NCHW'
  readonly testAccuracy: number | null
  readonly testImages: number
  readonly measuredAs: string
}

export function networkMetadata(input: NetworkMetadataInput): NetworkMetadata {
  const info = datasets[input.dataset]
  const [h, w, c] = input.spec.input
  const shape =
    input.spec.input.length === 3 && input.layout === 'NCHW' ? [c!, h!, w!] : [...input.spec.input]
  return {
    producer: 'chase-workbench',
    runId: input.runId,
    configHash: input.configHash,
    network: input.network,
    model: input.spec.name,
    dataset: input.dataset,
    input: { shape, layout: input.layout, dtype: 'float32' },
    preprocessing: {
      pixelScale: 1 / 255,
      mean: [...info.mean],
      std: [...info.std],
      formula: 'x[c] = (pixel[c] * pixelScale - mean[c]) / std[c]',
    },
    output: { kind: 'logits', classes: input.spec.classes },
    classNames: [...classNames[input.dataset]],
    accuracy: {
      testAccuracy: input.testAccuracy,
      testImages: input.testImages,
      measuredAs: input.measuredAs,
    },
    layerWidths: layerWidths(input.spec),
  }
}

export function layerWidths(spec: ModelSpec): Record<string, number> {
  const widths: Record<string, number> = {}
  for (const node of spec.nodes) {
    if (node.kind === 'conv2d') widths[node.name] = node.outChannels
    if (node.kind === 'dense') widths[node.name] = node.outFeatures
  }
  return widths
}
