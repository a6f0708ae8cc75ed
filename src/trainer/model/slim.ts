import * as tf from '@tensorflow/tfjs-core'
import type { AliveChannels } from '../../shared/models/channelFlow'
import type { ModelSpec } from '../../shared/models/modelSpec'
import { slimSpec } from '../../shared/models/slimSpec'
import { disposeBatchStats, forward, unbiased } from './forward'
import { isTrainableName, param, type ModelParams } from './parameters'

export interface SlimNetwork {
  readonly spec: ModelSpec
  readonly params: ModelParams
}

/**
 * Physically removes the dead channels (chase-spec §5.1): new variables holding the sliced weights of
 * the alive channels, under a spec with the narrower widths. The input parameters are left untouched
 * (and still owned by the caller). Unstructured zeros inside the alive region stay as they are.
 */
export function slimNetwork(spec: ModelSpec, params: ModelParams, alive: AliveChannels): SlimNetwork {
  const plan = slimSpec(spec, alive)
  const slimParams: ModelParams = new Map()
  for (const [name, variable] of params) {
    const sliced = tf.tidy(() => {
      let value: tf.Tensor = variable
      for (const { axis, keep } of plan.slices.get(name) ?? [])
        value = tf.gather(value, tf.tensor1d([...keep], 'int32'), axis)
      return value === variable ? tf.clone(variable) : value
    })
    slimParams.set(name, tf.variable(sliced, isTrainableName(name)))
    sliced.dispose()
  }
  return { spec: plan.spec, params: slimParams }
}

/**
 * Recomputes every BN's running statistics from one pass over `batches`, as
 * `torch.optim.swa_utils.update_bn`: each layer's running mean and (unbiased) variance become the plain
 * average of the per-batch values (a cumulative average, not momentum), in train-mode forward passes.
 * The batches stay owned by the caller. Returns the number of batches used.
 */
export async function recalibrateBatchNorm(
  spec: ModelSpec,
  params: ModelParams,
  batches: Iterable<tf.Tensor> | AsyncIterable<tf.Tensor>,
): Promise<number> {
  const norms = spec.nodes.filter((node) => node.kind === 'batchnorm')
  const sums = new Map<string, { mean: tf.Tensor; variance: tf.Tensor }>()
  let count = 0
  for await (const x of batches) {
    const { logits, batchStats } = forward(spec, params, x, { training: true })
    logits.dispose()
    for (const norm of norms) {
      const moments = batchStats[norm.name]!
      const previous = sums.get(norm.name)
      const next = tf.tidy(() => ({
        mean: previous ? tf.add(previous.mean, moments.mean) : tf.clone(moments.mean),
        variance: tf.add(previous?.variance ?? 0, unbiased(moments.variance, moments.count)),
      }))
      if (previous) tf.dispose([previous.mean, previous.variance])
      sums.set(norm.name, next)
    }
    disposeBatchStats(batchStats)
    count += 1
  }
  if (count === 0) throw new Error('BN recalibration needs at least one training batch')
  for (const norm of norms) {
    const sum = sums.get(norm.name)!
    tf.tidy(() => {
      param(params, `${norm.name}.runningMean`).assign(tf.div(sum.mean, count))
      param(params, `${norm.name}.runningVar`).assign(tf.div(sum.variance, count))
    })
    tf.dispose([sum.mean, sum.variance])
  }
  return count
}
