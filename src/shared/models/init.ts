import {
  isWeightNode,
  weightShape,
  type BiasInit,
  type ModelSpec,
  type WeightInit,
  type WeightNode,
} from './modelSpec'
import type { Rng } from '../rng'

export interface InitialTensor {
  readonly shape: readonly number[]
  readonly values: Float32Array
}

/**
 * Initial values of every parameter and BN buffer, named as the builder names them, drawn in node
 * order from `rng` (same seed, same weights). Initialisations of chase-spec §7 per family; BN starts at
 * γ = 1, β = 0, running mean 0, running variance 1.
 */
export function initialValues(spec: ModelSpec, rng: Rng): Map<string, InitialTensor> {
  const values = new Map<string, InitialTensor>()
  for (const node of spec.nodes) {
    if (isWeightNode(node)) {
      const shape = weightShape(node)
      values.set(`${node.name}.weight`, { shape, values: weightValues(node, shape, rng) })
      if (node.useBias)
        values.set(`${node.name}.bias`, {
          shape: [shape[shape.length - 1]!],
          values: biasValues(node, node.biasInit, rng),
        })
    } else if (node.kind === 'batchnorm') {
      const filled = (v: number): InitialTensor => ({
        shape: [node.channels],
        values: new Float32Array(node.channels).fill(v),
      })
      values.set(`${node.name}.gamma`, filled(1))
      values.set(`${node.name}.beta`, filled(0))
      values.set(`${node.name}.runningMean`, filled(0))
      values.set(`${node.name}.runningVar`, filled(1))
    }
  }
  return values
}

/** PyTorch's fans for a weight: fan_in = C_in·k², fan_out = C_out·k². */
export function fans(node: WeightNode): { fanIn: number; fanOut: number } {
  if (node.kind === 'dense') return { fanIn: node.inFeatures, fanOut: node.outFeatures }
  const k = node.kernelSize[0] * node.kernelSize[1]
  return { fanIn: node.inChannels * k, fanOut: node.outChannels * k }
}

function weightValues(node: WeightNode, shape: readonly number[], rng: Rng): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1))
  const { fanIn, fanOut } = fans(node)
  const init: WeightInit = node.init
  switch (init) {
    case 'kaiming-normal-fan-out':
      return fillNormal(out, Math.sqrt(2 / fanOut), rng)
    case 'kaiming-normal-fan-in':
      return fillNormal(out, Math.sqrt(2 / fanIn), rng)
    case 'normal-0.01':
      return fillNormal(out, 0.01, rng)
    case 'torch-default':
      // kaiming_uniform(a = √5): bound = √(6 / ((1 + 5)·fan_in)) = 1/√fan_in.
      return fillUniform(out, 1 / Math.sqrt(fanIn), rng)
  }
}

function biasValues(node: WeightNode, init: BiasInit, rng: Rng): Float32Array {
  const out = new Float32Array(node.kind === 'conv2d' ? node.outChannels : node.outFeatures)
  return init === 'zeros' ? out : fillUniform(out, 1 / Math.sqrt(fans(node).fanIn), rng)
}

function fillNormal(out: Float32Array, std: number, rng: Rng): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = std * rng.normal()
  return out
}

function fillUniform(out: Float32Array, bound: number, rng: Rng): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = bound * (2 * rng.next() - 1)
  return out
}
