import * as tf from '@tensorflow/tfjs-core'
import type { ModelSpec } from '../../shared/models/modelSpec'
import { parametersFrom, type ModelParams } from '../model/parameters'
import { readCheckpoint, writeCheckpoint, type StoredTensor } from '../../node/checkpointFile'

/** The trained, channel-slimmed network as the workbench reloads it (the benchmark times it against the dense spec). */
export interface SlimmedNetwork {
  readonly denseSpec: ModelSpec
  readonly spec: ModelSpec
  readonly params: ModelParams
}

interface Meta {
  version: 1
  denseSpec: ModelSpec
  spec: ModelSpec
}

export async function saveSlimmedNetwork(path: string, network: SlimmedNetwork): Promise<number> {
  const tensors = new Map<string, StoredTensor>()
  for (const [name, variable] of network.params) {
    const data = Float32Array.from((await variable.data()) as Float32Array)
    tensors.set(name, { shape: variable.shape, data })
  }
  const meta: Meta = { version: 1, denseSpec: network.denseSpec, spec: network.spec }
  return writeCheckpoint(path, { meta, tensors })
}

export function loadSlimmedNetwork(path: string): SlimmedNetwork {
  const { meta, tensors } = readCheckpoint<Meta>(path)
  const values = new Map<string, tf.Tensor>()
  for (const [name, stored] of tensors)
    values.set(name, tf.tensor(stored.data as Float32Array, [...stored.shape]))
  const params = parametersFrom(values)
  tf.dispose([...values.values()])
  return { denseSpec: meta.denseSpec, spec: meta.spec, params }
}
