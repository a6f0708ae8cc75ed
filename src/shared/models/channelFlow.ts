import type { ModelNode, ModelSpec } from './modelSpec'

/** Alive flags per channel group name (1/true = alive); a group left out is fully alive. */
export type AliveChannels = ReadonlyMap<string, ArrayLike<number> | ArrayLike<boolean>>

/**
 * Which of each node's original output channels survive, found by following the alive vectors of the
 * channel groups through the graph: a producer (or tied producer) keeps its group's alive channels,
 * shape-preserving nodes pass their input's set on, a flatten expands it over H and W, and an add
 * requires both inputs to agree. `null` means every channel (or feature) is kept.
 */
export function keptChannels(spec: ModelSpec, alive: AliveChannels): Map<string, readonly number[] | null> {
  const producerKeep = new Map<string, readonly number[]>()
  for (const group of spec.channelGroups) {
    const flags = alive.get(group.name)
    if (flags === undefined) continue
    if (flags.length !== group.channels)
      throw new Error(
        `alive vector of group "${group.name}" has ${flags.length} entries, the group has ${group.channels} channels`,
      )
    const keep: number[] = []
    for (let c = 0; c < flags.length; c++) if (flags[c]) keep.push(c)
    if (keep.length === 0)
      throw new Error(`group "${group.name}" has no alive channel left: a layer needs at least one`)
    for (const producer of [group.producer, ...(group.tied ?? [])]) producerKeep.set(producer, keep)
  }
  const kept = new Map<string, readonly number[] | null>()
  for (const node of spec.nodes) kept.set(node.name, nodeKeep(node, kept, producerKeep, spec))
  return kept
}

/** Channels of `name`'s output after slimming (its original width where nothing is removed). */
export function keptCount(
  spec: ModelSpec,
  kept: ReadonlyMap<string, readonly number[] | null>,
  name: string,
): number {
  const keep = kept.get(name)
  if (keep) return keep.length
  const node = spec.nodes.find((n) => n.name === name)
  if (!node) throw new Error(`no node named "${name}"`)
  return node.outShape[node.outShape.length - 1]!
}

function nodeKeep(
  node: ModelNode,
  kept: ReadonlyMap<string, readonly number[] | null>,
  producerKeep: ReadonlyMap<string, readonly number[]>,
  spec: ModelSpec,
): readonly number[] | null {
  const inputKeep = node.inputs.length > 0 ? kept.get(node.inputs[0]!) : null
  switch (node.kind) {
    case 'input':
      return null
    case 'conv2d':
    case 'dense':
      return producerKeep.get(node.name) ?? null
    case 'batchnorm':
    case 'relu':
    case 'maxpool':
    case 'avgpool':
    case 'global-avgpool':
      return inputKeep ?? null
    case 'flatten': {
      if (!inputKeep) return null
      const source = spec.nodes.find((n) => n.name === node.inputs[0])!.outShape
      const channels = source[source.length - 1]!
      const positions = source.slice(0, -1).reduce((a, b) => a * b, 1)
      const out: number[] = []
      for (let p = 0; p < positions; p++) for (const c of inputKeep) out.push(p * channels + c)
      return out
    }
    case 'add': {
      const keeps = node.inputs.map((name) => kept.get(name) ?? null)
      const key = (k: readonly number[] | null): string => (k ? k.join(',') : 'all')
      if (keeps.some((k) => key(k) !== key(keeps[0]!)))
        throw new Error(
          `${node.name}: its inputs keep different channels; tie the residual producers in one channel group`,
        )
      return keeps[0]!
    }
  }
}
