import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { ModelNode, ModelSpec } from '../../shared/models/modelSpec'
import { fileIoHandler } from './fileIoHandler'
import { param, type ModelParams } from './parameters'

/**
 * The network as a standard tfjs Layers model holding copies of `params`, for export only (training
 * never goes through tfjs-layers). Layer names are the spec's node names; an explicit conv padding
 * becomes a `<name>.pad` ZeroPadding2D before a 'valid' conv, and BN momentum is converted from
 * PyTorch's convention (tfjs: moving = momentum·moving + (1 − momentum)·batch).
 */
export function toLayersModel(spec: ModelSpec, params: ModelParams): tfl.LayersModel {
  const outputs = new Map<string, tfl.SymbolicTensor>()
  const weights: [tfl.layers.Layer, tf.Tensor[]][] = []
  const input = tfl.input({ shape: [...spec.input], name: spec.nodes[0]!.name })
  for (const node of spec.nodes) {
    if (node.kind === 'input') {
      outputs.set(node.name, input)
      continue
    }
    const from = node.inputs.map((name) => outputs.get(name)!)
    const layer = layerFor(node)
    let x = from[0]!
    if (node.kind === 'conv2d' && node.padding > 0)
      x = tfl.layers
        .zeroPadding2d({ padding: node.padding, name: `${node.name}.pad` })
        .apply(x) as tfl.SymbolicTensor
    outputs.set(node.name, layer.apply(node.kind === 'add' ? from : x) as tfl.SymbolicTensor)
    const names = layerWeightNames(node)
    if (names.length > 0) weights.push([layer, names.map((name) => param(params, `${node.name}.${name}`))])
  }
  const model = tfl.model({ inputs: input, outputs: outputs.get(spec.output)!, name: spec.name })
  for (const [layer, values] of weights) layer.setWeights(values)
  return model
}

/**
 * Writes `model.json` + `weights.bin` into `directory` (created if needed); `metadata` goes into
 * model.json's `userDefinedMetadata`, where any tfjs client can read how to prepare the input.
 */
export async function exportLayersModel(
  spec: ModelSpec,
  params: ModelParams,
  directory: string,
  metadata?: object,
): Promise<tf.io.SaveResult> {
  const model = toLayersModel(spec, params)
  if (metadata) model.setUserDefinedMetadata(metadata)
  try {
    return await model.save(fileIoHandler(directory))
  } finally {
    model.dispose()
  }
}

/** Loads an exported (or any standard) Layers model from a directory. */
export function loadExportedModel(directory: string): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(fileIoHandler(directory))
}

function layerFor(node: Exclude<ModelNode, { kind: 'input' }>): tfl.layers.Layer {
  const name = node.name
  switch (node.kind) {
    case 'conv2d':
      return tfl.layers.conv2d({
        name,
        filters: node.outChannels,
        kernelSize: [...node.kernelSize],
        strides: node.stride,
        padding: 'valid',
        useBias: node.useBias,
      })
    case 'dense':
      return tfl.layers.dense({ name, units: node.outFeatures, useBias: node.useBias })
    case 'batchnorm':
      return tfl.layers.batchNormalization({
        name,
        axis: -1,
        momentum: 1 - node.momentum,
        epsilon: node.epsilon,
      })
    case 'relu':
      return tfl.layers.reLU({ name })
    case 'maxpool':
      return tfl.layers.maxPooling2d({ name, poolSize: node.size, strides: node.stride, padding: 'valid' })
    case 'avgpool':
      return tfl.layers.averagePooling2d({
        name,
        poolSize: node.size,
        strides: node.stride,
        padding: 'valid',
      })
    case 'global-avgpool':
      return tfl.layers.globalAveragePooling2d({ name })
    case 'flatten':
      return tfl.layers.flatten({ name })
    case 'add':
      return tfl.layers.add({ name })
  }
}

/** Our parameter suffixes in the order tfjs-layers keeps the layer's weights. */
function layerWeightNames(node: ModelNode): string[] {
  if (node.kind === 'conv2d' || node.kind === 'dense') return node.useBias ? ['weight', 'bias'] : ['weight']
  if (node.kind === 'batchnorm') return ['gamma', 'beta', 'runningMean', 'runningVar']
  return []
}
