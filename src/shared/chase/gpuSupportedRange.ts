import { inferenceMacs, type CostTensor } from './planCost'

export interface RangeGroup {
  readonly name: string
  readonly channels: number
  readonly minChannels: number
}

/** Alive channels per group at the end of the run under one assumption about where removal lands. */
export type AliveByGroup = ReadonlyMap<string, number>

/**
 * Every group keeps the same share (1 − Sc), never below its floor: what the plan assumed before the
 * range existed, and the low end for VGG-like nets, whose early wide-image layers cost most per channel.
 */
export function proportionalAlive(groups: readonly RangeGroup[], finalSc: number): AliveByGroup {
  return new Map(groups.map((g) => [g.name, Math.max(g.minChannels, Math.round(g.channels * (1 - finalSc)))]))
}

/**
 * The last groups are emptied to their floors first, then the ones before them: what the official
 * selection does on initial weights (kaiming fan-out init and ERK make the late 512-wide layers' UMM the
 * lowest). For VGG-19 at Sc = 0.5 this is 64, 64, 128, 128, 256 ×4, 512, 321, 51 ×5 alive.
 */
export function lateLayersFirstAlive(groups: readonly RangeGroup[], removeTotal: number): AliveByGroup {
  const alive = new Map(groups.map((g) => [g.name, g.channels]))
  let left = Math.max(0, Math.round(removeTotal))
  for (let i = groups.length - 1; i >= 0 && left > 0; i--) {
    const g = groups[i]!
    const take = Math.min(left, g.channels - g.minChannels)
    alive.set(g.name, g.channels - take)
    left -= take
  }
  return alive
}

export interface GpuSupportedRange {
  /** [low, high] ratio of GPU-supported (channel-slimmed, dense) MACs to dense MACs. */
  readonly ratioRange: readonly [number, number]
  readonly proportionalRatio: number
  readonly lateLayersFirstRatio: number
}

/**
 * Where the GPU-supported FLOPs of the slimmed net can land: which channels go is decided by the data, so
 * the plan shows the two outcomes that bracket what the UMM selection does in practice.
 */
export function gpuSupportedRange(
  tensors: readonly CostTensor[],
  groups: readonly RangeGroup[],
  finalAliveTarget: number,
  denseMacs: number,
): GpuSupportedRange {
  const total = groups.reduce((sum, g) => sum + g.channels, 0)
  const finalSc = total > 0 ? 1 - finalAliveTarget / total : 0
  const ratioOf = (alive: AliveByGroup) => {
    const share = new Map(groups.map((g) => [g.name, alive.get(g.name)! / g.channels]))
    return inferenceMacs(tensors, (group) => share.get(group) ?? 1).gpuSupported / denseMacs
  }
  const proportionalRatio = ratioOf(proportionalAlive(groups, finalSc))
  const lateLayersFirstRatio = ratioOf(lateLayersFirstAlive(groups, total - finalAliveTarget))
  return {
    ratioRange: [
      Math.min(proportionalRatio, lateLayersFirstRatio),
      Math.max(proportionalRatio, lateLayersFirstRatio),
    ],
    proportionalRatio,
    lateLayersFirstRatio,
  }
}
