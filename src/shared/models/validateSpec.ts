import { isWeightNode, type ModelNode, type ModelSpec } from './modelSpec'

/**
 * Everything that can be wrong with a spec, as readable lines (empty = valid): dangling or late inputs,
 * widths that disagree with the input shapes, and channel groups whose consumers are not exactly the
 * weight nodes that read the producer's channels (the graph is the truth; the groups must match it).
 */
export function validateSpec(spec: ModelSpec): string[] {
  const problems: string[] = []
  const byName = new Map<string, ModelNode>()
  spec.nodes.forEach((node, index) => {
    if (byName.has(node.name)) problems.push(`duplicate node name "${node.name}"`)
    if ((index === 0) !== (node.kind === 'input'))
      problems.push(`"${node.name}": only the first node is the input`)
    for (const input of node.inputs)
      if (!byName.has(input)) problems.push(`"${node.name}" reads "${input}", which does not come before it`)
    byName.set(node.name, node)
    const source = node.inputs[0] === undefined ? undefined : byName.get(node.inputs[0])
    if (source) problems.push(...widthProblems(node, source))
  })
  if (!byName.has(spec.output)) problems.push(`output "${spec.output}" is not a node`)
  else if (byName.get(spec.output)!.outShape.join() !== String(spec.classes))
    problems.push(`output "${spec.output}" does not give ${spec.classes} logits`)
  const readers = new Map<string, string[]>()
  for (const node of spec.nodes)
    for (const input of node.inputs) readers.set(input, [...(readers.get(input) ?? []), node.name])
  for (const group of spec.channelGroups) {
    const producers = [group.producer, ...(group.tied ?? [])]
    for (const name of producers) {
      const node = byName.get(name)
      if (!node || !isWeightNode(node))
        problems.push(`group "${group.name}": producer "${name}" is not a conv or dense node`)
      else if (outWidth(node) !== group.channels)
        problems.push(
          `group "${group.name}": "${name}" has ${outWidth(node)} outputs, the group ${group.channels}`,
        )
    }
    if (group.norm !== undefined) {
      const norm = byName.get(group.norm)
      if (norm?.kind !== 'batchnorm' || !producers.includes(norm.inputs[0]!))
        problems.push(`group "${group.name}": norm "${group.norm}" is not a batchnorm on a producer`)
    }
    const reached = weightReaders(producers, readers, byName)
    const listed = new Set(group.consumers)
    if ([...reached].sort().join() !== [...listed].sort().join())
      problems.push(
        `group "${group.name}": consumers [${[...listed].join(', ')}] but the graph feeds [${[...reached].join(', ')}]`,
      )
  }
  return problems
}

function outWidth(node: ModelNode): number {
  return node.outShape[node.outShape.length - 1]!
}

function widthProblems(node: ModelNode, source: ModelNode): string[] {
  const width = outWidth(source)
  if (node.kind === 'conv2d' && node.inChannels !== width)
    return [`"${node.name}" expects ${node.inChannels} channels, gets ${width}`]
  if (node.kind === 'dense' && (source.outShape.length !== 1 || node.inFeatures !== width))
    return [`"${node.name}" expects ${node.inFeatures} features, gets [${source.outShape.join(', ')}]`]
  if (node.kind === 'batchnorm' && node.channels !== width)
    return [`"${node.name}" normalises ${node.channels} channels, gets ${width}`]
  return []
}

/** Weight nodes that read the producers' outputs through shape-preserving nodes (BN, ReLU, pools, adds). */
function weightReaders(
  producers: readonly string[],
  readers: ReadonlyMap<string, string[]>,
  byName: ReadonlyMap<string, ModelNode>,
): Set<string> {
  const found = new Set<string>()
  const seen = new Set<string>()
  const stack = [...producers]
  while (stack.length > 0) {
    const name = stack.pop()!
    for (const reader of readers.get(name) ?? []) {
      if (seen.has(reader)) continue
      seen.add(reader)
      if (isWeightNode(byName.get(reader)!)) found.add(reader)
      else stack.push(reader)
    }
  }
  return found
}
