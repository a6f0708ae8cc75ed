import * as tf from '@tensorflow/tfjs-core'
import './registerGradients'
import type { BatchNormNode, ModelSpec } from '../../shared/models/modelSpec'
import { activeFusions, noFusions } from './batchNormFusion'
import { batchNormTraining, batchNormTrainingRuns } from '../ops/batchNormTraining'
import { runningAverage } from '../ops/runningAverage'
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
  // Training with the fused kernels: a BN takes over its conv's bias and its ReLU.
  const fusions = options.training ? activeFusions(spec, batchNormTrainingRuns) : noFusions
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
          if (node.useBias && !fusions.foldedInto.has(node.name))
            y = tf.add(y, param(params, `${node.name}.bias`))
          break
        case 'dense':
          y = tf.matMul(a as tf.Tensor2D, param(params, `${node.name}.weight`) as tf.Tensor2D)
          if (node.useBias) y = tf.add(y, param(params, `${node.name}.bias`))
          break
        case 'batchnorm': {
          const fusion = fusions.byNorm.get(node.name)
          const fold = {
            bias: fusion?.biasOf ? param(params, `${fusion.biasOf}.bias`) : null,
            relu: fusion?.relu != null,
          }
          y = options.training
            ? trainingBatchNorm(node, params, a, fold, batchStats)
            : inferenceBatchNorm(node, params, a)
          break
        }
        case 'relu':
          // A ReLU folded into the norm before it passes its input through.
          y = fusions.foldedInto.has(node.name) ? a : tf.relu(a)
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

/** Normalises with the batch moments and keeps them (they outlive the tidy) for the running statistics. */
function trainingBatchNorm(
  node: BatchNormNode,
  params: ModelParams,
  x: tf.Tensor,
  fold: { bias: tf.Tensor | null; relu: boolean },
  stats: BatchStats,
): tf.Tensor {
  const { y, mean, variance } = batchNormTraining(
    x,
    param(params, `${node.name}.gamma`),
    param(params, `${node.name}.beta`),
    { ...fold, epsilon: node.epsilon },
  )
  stats[node.name] = { mean: tf.keep(mean), variance: tf.keep(variance), count: x.size / node.channels }
  return y
}

function inferenceBatchNorm(node: BatchNormNode, params: ModelParams, x: tf.Tensor): tf.Tensor {
  const variance = param(params, `${node.name}.runningVar`)
  const scale = tf.mul(param(params, `${node.name}.gamma`), tf.rsqrt(tf.add(variance, node.epsilon)))
  const centered = tf.sub(x, param(params, `${node.name}.runningMean`))
  return tf.add(tf.mul(centered, scale), param(params, `${node.name}.beta`))
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
    const average = (running: tf.Tensor, batch: tf.Tensor, scale: number): tf.Tensor =>
      runningAverage(running, batch, { momentum: m, scale })
    tf.tidy(() => {
      runningMean.assign(average(runningMean, mean, 1))
      runningVar.assign(average(runningVar, variance, unbiasedScale(count)))
    })
  }
  disposeBatchStats(stats)
}

/** n/(n − 1) correction, as PyTorch stores it (a batch of one value per channel keeps the biased one). */
export function unbiased(variance: tf.Tensor, count: number): tf.Tensor {
  const scale = unbiasedScale(count)
  return scale === 1 ? variance : tf.mul(variance, scale)
}

function unbiasedScale(count: number): number {
  return count > 1 ? count / (count - 1) : 1
}

export function disposeBatchStats(stats: BatchStats): void {
  for (const { mean, variance } of Object.values(stats)) {
    mean.dispose()
    variance.dispose()
  }
}
