import * as tf from '@tensorflow/tfjs-core'
import './registerGradients'
import type { BatchNormNode, ModelSpec } from '../../shared/models/modelSpec'
import { param, type ModelParams } from './parameters'

/** Batch moments of one BN layer in a training forward pass; `count` = values per channel (N·H·W). */
export interface BatchMoments {
  readonly mean: tf.Tensor1D
  /** Biased (population) variance, the one used to normalise. */
  readonly variance: tf.Tensor1D
  readonly count: number
}

/** Per BN node name. Its tensors outlive any tidy; `updateRunningStats` or `disposeBatchStats` frees them. */
export type BatchStats = Record<string, BatchMoments>

export interface ForwardResult {
  readonly logits: tf.Tensor2D
  /** Empty in inference mode. */
  readonly batchStats: BatchStats
}

/**
 * The network as a function of (params, x, mode). Training mode normalises with the batch moments and
 * returns them (kept, so they survive `tf.variableGrads`'s scope); inference mode uses the running
 * statistics. Use in a training step:
 *
 *     let stats: BatchStats = {}
 *     const { value, grads } = tf.variableGrads(() => {
 *       const out = forward(spec, params, x, { training: true })
 *       stats = out.batchStats
 *       return loss(out.logits)
 *     }, trainableVariables(params))
 *     updateRunningStats(spec, params, stats)
 */
export function forward(
  spec: ModelSpec,
  params: ModelParams,
  x: tf.Tensor,
  options: { training: boolean },
): ForwardResult {
  const batchStats: BatchStats = {}
  const logits = tf.tidy(() => {
    const values = new Map<string, tf.Tensor>()
    const input = (name: string): tf.Tensor => values.get(name)!
    for (const node of spec.nodes) {
      const a = node.inputs.length > 0 ? input(node.inputs[0]!) : x
      let y: tf.Tensor
      switch (node.kind) {
        case 'input':
          y = tf.reshape(x, [-1, ...node.outShape])
          break
        case 'conv2d':
          y = tf.conv2d(
            a as tf.Tensor4D,
            param(params, `${node.name}.weight`) as tf.Tensor4D,
            node.stride,
            node.padding,
          )
          if (node.useBias) y = tf.add(y, param(params, `${node.name}.bias`))
          break
        case 'dense':
          y = tf.matMul(a as tf.Tensor2D, param(params, `${node.name}.weight`) as tf.Tensor2D)
          if (node.useBias) y = tf.add(y, param(params, `${node.name}.bias`))
          break
        case 'batchnorm':
          y = batchNorm(node, params, a, options.training, batchStats)
          break
        case 'relu':
          y = tf.relu(a)
          break
        case 'maxpool':
          y = tf.maxPool(a as tf.Tensor4D, node.size, node.stride, 'valid')
          break
        case 'avgpool':
          y = tf.avgPool(a as tf.Tensor4D, node.size, node.stride, 'valid')
          break
        case 'global-avgpool':
          y = tf.mean(a, [1, 2])
          break
        case 'flatten':
          y = tf.reshape(a, [a.shape[0]!, -1])
          break
        case 'add':
          y = tf.add(a, input(node.inputs[1]!))
          break
      }
      values.set(node.name, y)
    }
    return values.get(spec.output)! as tf.Tensor2D
  })
  return { logits, batchStats }
}

function batchNorm(
  node: BatchNormNode,
  params: ModelParams,
  x: tf.Tensor,
  training: boolean,
  stats: BatchStats,
): tf.Tensor {
  const gamma = param(params, `${node.name}.gamma`)
  const beta = param(params, `${node.name}.beta`)
  const axes = x.shape.slice(0, -1).map((_, i) => i)
  let mean: tf.Tensor
  let variance: tf.Tensor
  if (training) {
    ;({ mean, variance } = tf.moments(x, axes))
    const count = x.size / node.channels
    stats[node.name] = {
      mean: tf.keep(mean as tf.Tensor1D),
      variance: tf.keep(variance as tf.Tensor1D),
      count,
    }
  } else {
    mean = param(params, `${node.name}.runningMean`)
    variance = param(params, `${node.name}.runningVar`)
  }
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, node.epsilon)))
  return tf.add(tf.mul(tf.sub(x, mean), scale), beta)
}

/**
 * PyTorch's running-average update, `running = (1 − m)·running + m·batch` with the unbiased batch
 * variance, applied outside any gradient tape; disposes the batch statistics.
 */
export function updateRunningStats(spec: ModelSpec, params: ModelParams, stats: BatchStats): void {
  for (const node of spec.nodes) {
    if (node.kind !== 'batchnorm' || !stats[node.name]) continue
    const { mean, variance, count } = stats[node.name]!
    const m = node.momentum
    const runningMean = param(params, `${node.name}.runningMean`)
    const runningVar = param(params, `${node.name}.runningVar`)
    tf.tidy(() => {
      runningMean.assign(tf.add(tf.mul(runningMean, 1 - m), tf.mul(mean, m)))
      runningVar.assign(tf.add(tf.mul(runningVar, 1 - m), tf.mul(unbiased(variance, count), m)))
    })
  }
  disposeBatchStats(stats)
}

/** n/(n − 1) correction, as PyTorch stores it (a batch of one value per channel keeps the biased one). */
export function unbiased(variance: tf.Tensor, count: number): tf.Tensor {
  return count > 1 ? tf.mul(variance, count / (count - 1)) : variance
}

export function disposeBatchStats(stats: BatchStats): void {
  for (const { mean, variance } of Object.values(stats)) {
    mean.dispose()
    variance.dispose()
  }
}
