import * as tf from '@tensorflow/tfjs-core'
import type { LayerChannels } from '../../shared/protocol/trainerMessages'
import type { ModelSpec } from '../../shared/models/modelSpec'
import { aliveRegion } from './aliveRegion'
import { channelDensity, channelScores, type ChannelScoreKind, type ProducerTensor } from './channelScores'
import { replaceMasks, type MaskEntry } from './maskEntry'
import { readValues } from './readValues'

/** One prunable channel group as the engine tracks it. */
export interface GroupState {
  readonly name: string
  readonly channels: number
  readonly floor: number
  /** 1 alive, 0 removed; one vector for the producer's outputs and the consumers' inputs alike. */
  readonly alive: Uint8Array
  aliveCount: number
  readonly producers: readonly MaskEntry[]
  /** Producers and consumers: every tensor a removal cuts into. */
  readonly members: readonly MaskEntry[]
}

/**
 * The alive vectors of every channel group and what follows from them (chase-spec.md §4.1, §4.5): the
 * alive region of each maskable tensor, per-channel scores, and permanent removal.
 */
export class ChannelGroups {
  readonly list: readonly GroupState[]
  private readonly ofEntry = new Map<MaskEntry, { out: GroupState | null; in: GroupState | null }>()

  constructor(spec: ModelSpec, entries: readonly MaskEntry[], floors: ReadonlyMap<string, number>) {
    const byNode = new Map(entries.map((e) => [e.layout.node, e]))
    this.list = spec.channelGroups.map((group) => {
      const producers = [group.producer, ...(group.tied ?? [])].map((name) => byNode.get(name)!)
      const consumers = group.consumers.map((name) => byNode.get(name)!)
      return {
        name: group.name,
        channels: group.channels,
        floor: floors.get(group.name)!,
        alive: new Uint8Array(group.channels).fill(1),
        aliveCount: group.channels,
        producers,
        members: [...new Set([...producers, ...consumers])],
      }
    })
    const byName = new Map(this.list.map((g) => [g.name, g]))
    for (const entry of entries) {
      this.ofEntry.set(entry, {
        out: entry.layout.outGroup ? byName.get(entry.layout.outGroup)! : null,
        in: entry.layout.inGroup ? byName.get(entry.layout.inGroup)! : null,
      })
    }
  }

  /** F: alive channels over all groups. */
  aliveTotal(): number {
    return this.list.reduce((sum, g) => sum + g.aliveCount, 0)
  }

  /** The alive region of a tensor (null while no channel it touches is removed). Call inside tf.tidy. */
  region(entry: MaskEntry): tf.Tensor | null {
    const groups = this.ofEntry.get(entry)!
    const out = groups.out && groups.out.aliveCount < groups.out.channels ? groups.out.alive : null
    const inp = groups.in && groups.in.aliveCount < groups.in.channels ? groups.in.alive : null
    return aliveRegion(entry.layout, out, inp)
  }

  /** Recomputes every tensor's alive-region size from the alive counts (no tensor work). */
  updateAliveSizes(entries: readonly MaskEntry[]): void {
    for (const entry of entries) {
      const { layout } = entry
      const groups = this.ofEntry.get(entry)!
      const aliveOut = groups.out ? groups.out.aliveCount : layout.outChannels
      const aliveIn = groups.in ? groups.in.aliveCount * layout.inRepeat : layout.inChannels
      entry.aliveSize = (layout.size / (layout.outChannels * layout.inChannels)) * aliveOut * aliveIn
    }
  }

  /** Scores of every original channel, group after group (one download). */
  async scores(kind: ChannelScoreKind): Promise<Float32Array[]> {
    const values = await readValues(() =>
      tf.concat(this.list.map((g) => channelScores(kind, producerTensors(g)))),
    )
    let offset = 0
    return this.list.map((g) => values.subarray(offset, (offset += g.channels)) as Float32Array)
  }

  /** Per-channel density, UMM and alive flags per group (one download): the snapshot's `layers`. */
  async snapshot(): Promise<LayerChannels[]> {
    if (this.list.length === 0) return []
    const values = await readValues(() =>
      tf.concat(
        this.list.flatMap((g) => [
          channelDensity(producerTensors(g)),
          channelScores('umm', producerTensors(g)),
        ]),
      ),
    )
    let offset = 0
    const take = (n: number) => Array.from(values.subarray(offset, (offset += n)))
    return this.list.map((g) => ({
      group: g.name,
      density: take(g.channels),
      umm: take(g.channels),
      alive: Array.from(g.alive),
    }))
  }

  /**
   * Marks channels dead for good (per group, in list order) and cuts them from the masks of every
   * producer row and consumer column. Returns the tensors whose masks changed.
   */
  remove(removed: readonly (readonly number[])[]): MaskEntry[] {
    const touched = new Set<MaskEntry>()
    this.list.forEach((group, g) => {
      for (const channel of removed[g]!) {
        if (group.alive[channel] === 0)
          throw new Error(`channel ${channel} of "${group.name}" is already removed`)
        group.alive[channel] = 0
        group.aliveCount--
      }
      if (removed[g]!.length > 0) for (const member of group.members) touched.add(member)
    })
    const entries = [...touched]
    replaceMasks(
      entries,
      tf.tidy(() => entries.map((e) => tf.mul(e.mask, this.region(e)!))),
    )
    return entries
  }

  /** Zeroes the biases (and their momentum) of removed channels. Call inside tf.tidy. */
  zeroRemovedBiases(buffer: (name: string) => tf.Variable | undefined): void {
    for (const group of this.list) {
      if (group.aliveCount === group.channels) continue
      const alive = tf.tensor1d(Float32Array.from(group.alive))
      for (const producer of group.producers) {
        if (!producer.bias) continue
        producer.bias.assign(tf.mul(producer.bias, alive))
        const momentum = buffer(producer.layout.bias!)
        if (momentum) momentum.assign(tf.mul(momentum, alive))
      }
    }
  }

  exportAlive(): Record<string, Uint8Array> {
    return Object.fromEntries(this.list.map((g) => [g.name, g.alive.slice()]))
  }

  /** Throws, changing nothing, when a vector is missing or of the wrong length. */
  checkAlive(alive: Readonly<Record<string, Uint8Array>>): void {
    for (const group of this.list) {
      const values = alive[group.name]
      if (!values || values.length !== group.channels)
        throw new Error(
          `checkpoint has no alive vector of ${group.channels} channels for group "${group.name}"`,
        )
    }
  }

  importAlive(alive: Readonly<Record<string, Uint8Array>>): void {
    this.checkAlive(alive)
    for (const group of this.list) {
      const values = alive[group.name]!
      group.alive.set(values)
      group.aliveCount = values.reduce((sum, a) => sum + (a ? 1 : 0), 0)
    }
  }
}

function producerTensors(group: GroupState): ProducerTensor[] {
  return group.producers.map((p) => ({ layout: p.layout, weight: p.weight, mask: p.mask }))
}
