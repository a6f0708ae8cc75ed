import * as tf from '@tensorflow/tfjs-core'
import { initialValues } from '../../shared/models/init'
import type { ModelSpec } from '../../shared/models/modelSpec'
import type { Rng } from '../../shared/rng'

/**
 * A network's state by parameter name (`<node>.weight`, `.bias`, `.gamma`, `.beta`, `.runningMean`,
 * `.runningVar`). Running statistics are non-trainable variables, so one map holds everything a
 * checkpoint needs. Variables are left unnamed in the tfjs registry: two networks may share names.
 */
export type ModelParams = Map<string, tf.Variable>

/** Parameters the optimiser updates: everything except the BN running statistics. */
export function isTrainableName(name: string): boolean {
  return !name.endsWith('.runningMean') && !name.endsWith('.runningVar')
}

/** Fresh parameters of a spec, initialised per chase-spec §7 from `rng` (same seed, same weights). */
export function createParameters(spec: ModelSpec, rng: Rng): ModelParams {
  const params: ModelParams = new Map()
  for (const [name, { shape, values }] of initialValues(spec, rng)) {
    // A variable shares the initial tensor's data and takes its own reference: free ours.
    const initial = tf.tensor(values, [...shape], 'float32')
    params.set(name, tf.variable(initial, isTrainableName(name)))
    initial.dispose()
  }
  return params
}

/** Variables holding copies of the given tensors (which stay owned by the caller). */
export function parametersFrom(tensors: ReadonlyMap<string, tf.Tensor>): ModelParams {
  const params: ModelParams = new Map()
  for (const [name, tensor] of tensors) params.set(name, tf.variable(tensor, isTrainableName(name)))
  return params
}

/** The variables an optimiser updates, in parameter order (pass to `tf.variableGrads`). */
export function trainableVariables(params: ModelParams): tf.Variable[] {
  return [...params].filter(([name]) => isTrainableName(name)).map(([, variable]) => variable)
}

/** `tf.variableGrads` keys gradients by tfjs variable name; this re-keys them by parameter name. */
export function gradientsByName(params: ModelParams, grads: tf.NamedTensorMap): Map<string, tf.Tensor> {
  const byName = new Map<string, tf.Tensor>()
  for (const [name, variable] of params) {
    const grad = grads[variable.name]
    if (grad) byName.set(name, grad)
  }
  return byName
}

export function disposeParameters(params: ModelParams): void {
  for (const variable of params.values()) variable.dispose()
  params.clear()
}

/** Looks a parameter up, with an error that names what is missing. */
export function param(params: ReadonlyMap<string, tf.Variable>, name: string): tf.Variable {
  const value = params.get(name)
  if (!value) throw new Error(`parameter "${name}" is missing: the parameters do not belong to this spec`)
  return value
}
