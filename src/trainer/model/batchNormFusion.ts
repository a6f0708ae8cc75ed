import type { ModelSpec } from '../../shared/models/modelSpec'

/** What a training-mode batch norm takes over from its neighbours. */
export interface BatchNormFusion {
  readonly channels: number
  /** The conv whose bias it adds (that conv then skips its own bias add). */
  readonly biasOf: string | null
  /** The ReLU it applies (that ReLU then passes the value through). */
  readonly relu: string | null
}

const plans = new WeakMap<ModelSpec, ReadonlyMap<string, BatchNormFusion>>()

/**
 * Per batch-norm node, the neighbours it can fold in without changing any value the rest of the
 * network reads: a conv with bias whose only consumer is this norm, and a ReLU that is the norm's only
 * consumer. Cached per spec.
 */
export function batchNormFusions(spec: ModelSpec): ReadonlyMap<string, BatchNormFusion> {
  let plan = plans.get(spec)
  if (plan !== undefined) return plan
  const consumers = new Map<string, string[]>()
  for (const node of spec.nodes)
    for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node.name])
  const byName = new Map(spec.nodes.map((node) => [node.name, node]))
  const onlyConsumer = (name: string): string | null => {
    const list = consumers.get(name) ?? []
    return list.length === 1 && name !== spec.output ? list[0]! : null
  }
  const fusions = new Map<string, BatchNormFusion>()
  for (const node of spec.nodes) {
    if (node.kind !== 'batchnorm') continue
    const producer = byName.get(node.inputs[0]!)
    const biasOf =
      producer?.kind === 'conv2d' && producer.useBias && onlyConsumer(producer.name) === node.name
        ? producer.name
        : null
    const next = onlyConsumer(node.name)
    const relu = next !== null && byName.get(next)?.kind === 'relu' ? next : null
    fusions.set(node.name, { channels: node.channels, biasOf, relu })
  }
  plan = fusions
  plans.set(spec, plan)
  return plan
}

/** The fusions a training pass applies, and the nodes whose work a norm then does instead. */
export interface ActiveFusions {
  readonly byNorm: ReadonlyMap<string, BatchNormFusion>
  /** Convs that skip their bias add and ReLUs that pass their input through. */
  readonly foldedInto: ReadonlySet<string>
}

/** The plan's fusions for the norms whose fused kernels run (`runs(channels)`) on this backend. */
export function activeFusions(spec: ModelSpec, runs: (channels: number) => boolean): ActiveFusions {
  const byNorm = new Map([...batchNormFusions(spec)].filter(([, fusion]) => runs(fusion.channels)))
  const foldedInto = new Set<string>()
  for (const { biasOf, relu } of byNorm.values()) {
    if (biasOf !== null) foldedInto.add(biasOf)
    if (relu !== null) foldedInto.add(relu)
  }
  return { byNorm, foldedInto }
}

export const noFusions: ActiveFusions = { byNorm: new Map(), foldedInto: new Set() }
