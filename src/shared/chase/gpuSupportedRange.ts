import { binaryOptimum, eliminationOrder, type BinaryFactor } from './binaryOptimum'
import { inferenceMacs, type CostTensor } from './planCost'

export interface RangeGroup {
  readonly name: string
  readonly channels: number
  readonly minChannels: number
}

/** Alive channels per group at the end of the run under one assumption about where removal lands. */
export type AliveByGroup = ReadonlyMap<string, number>

/**
 * Every group keeps the same share (1 − Sc), never below its floor: the plan's single estimate (the
 * training FLOPs and the expected MACs assume it too).
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
  /**
   * [low, high] ratio of GPU-supported (channel-slimmed, dense) MACs to dense MACs: a bound on every
   * allocation of the final alive channels that keeps each group between its floor and its width.
   */
  readonly ratioRange: readonly [number, number]
  readonly proportionalRatio: number
  /** Inside the range; for chains like VGG the official run lands here (chase-spec §4.2). */
  readonly lateLayersFirstRatio: number
}

/** Golden-section steps of the multiplier search: the interval shrinks to 0.618^60 ≈ 3e-13 of itself. */
const searchSteps = 60

/**
 * Where the GPU-supported FLOPs of the slimmed net can land once `finalAliveTarget` channels are alive.
 *
 * Which channels go is decided by the data, so the range bounds all of them. With w_g the alive channels
 * of group g (floor_g ≤ w_g ≤ C_g, Σ w_g = W), the MACs are f(w) = Σ_tensors a·(w_out/C_out)·(w_in/C_in),
 * bilinear in w. For any multiplier μ, min f ≥ min over the box of f(w) + μ(Σ w − W) (weak duality), and
 * that minimum, multilinear in w, lies at a corner where each group is at its floor or full: a 0/1
 * problem, solved exactly by elimination since layer graphs are near-trees. The best μ is searched (the
 * dual is concave in μ); any μ gives a valid end. Likewise for the max. The ends are rigorous for every
 * selection rule and event order; for VGG-19 allocations come within 0.002 of the low end and 0.03 of the
 * high one (gpuSupportedRange.test.ts). The proportional and late-layers-first outcomes are points inside.
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
  return {
    ratioRange: gpuSupportedBound(tensors, groups, finalAliveTarget, denseMacs),
    proportionalRatio: ratioOf(proportionalAlive(groups, finalSc)),
    lateLayersFirstRatio: ratioOf(lateLayersFirstAlive(groups, total - finalAliveTarget)),
  }
}

/** The Lagrangian bound of gpuSupportedRange, as [min, max] of the ratio. */
export function gpuSupportedBound(
  tensors: readonly CostTensor[],
  groups: readonly RangeGroup[],
  finalAliveTarget: number,
  denseMacs: number,
): [number, number] {
  const index = new Map(groups.map((g, i) => [g.name, i]))
  // Alive share of group g with bit 0 (at its floor) or 1 (full).
  const share = (g: number, bit: number) => (bit === 1 ? 1 : groups[g]!.minChannels / groups[g]!.channels)
  const costFactors: BinaryFactor[] = []
  // ∂f/∂w_g at full widths, per channel: the steepest any group's cost gets (f only grows with w).
  const slopeAtFull = new Array<number>(groups.length).fill(0)
  for (const { layout } of tensors) {
    const a = (layout.size * layout.positions) / denseMacs
    const out = layout.outGroup === null ? -1 : index.get(layout.outGroup)!
    const inp = layout.inGroup === null ? -1 : index.get(layout.inGroup)!
    if (out >= 0 && out === inp)
      throw new Error(
        `"${layout.node}" reads and writes group "${layout.outGroup}": its cost is not bilinear`,
      )
    if (out >= 0) slopeAtFull[out]! += a / groups[out]!.channels
    if (inp >= 0) slopeAtFull[inp]! += a / groups[inp]!.channels
    if (out >= 0 && inp >= 0)
      costFactors.push({
        scope: [out, inp],
        table: [0, 1, 2, 3].map((k) => a * share(out, k & 1) * share(inp, k >> 1)),
      })
    else if (out >= 0 || inp >= 0) {
      const g = Math.max(out, inp)
      costFactors.push({ scope: [g], table: [a * share(g, 0), a] })
    } else costFactors.push({ scope: [], table: [a] })
  }
  const order = eliminationOrder(
    groups.length,
    costFactors.map((f) => f.scope),
  )
  // The dual function at μ: the box optimum of f(w) ± μ(Σ w − W).
  const dual = (mu: number, sense: 'min' | 'max') => {
    const sign = sense === 'min' ? 1 : -1
    const penalty: BinaryFactor[] = groups.map((g, i) => ({
      scope: [i],
      table: [sign * mu * g.minChannels, sign * mu * g.channels],
    }))
    return binaryOptimum([...costFactors, ...penalty], order, sense) - sign * mu * finalAliveTarget
  }
  // Past ±(steepest slope) the box optimum sits at all-full or all-floor and the dual only worsens.
  const steepest = Math.max(0, ...slopeAtFull)
  const low = bestOf((mu) => dual(mu, 'min'), -steepest, 0, 'max')
  const high = bestOf((mu) => dual(mu, 'max'), 0, steepest, 'min')
  return [low, high]
}

/** Golden-section search of a unimodal function on [from, to]; returns the best value it met. */
function bestOf(fn: (x: number) => number, from: number, to: number, sense: 'min' | 'max'): number {
  const better = (a: number, b: number) => (sense === 'max' ? a > b : a < b)
  const r = (Math.sqrt(5) - 1) / 2
  let lo = from
  let hi = to
  let x1 = hi - r * (hi - lo)
  let x2 = lo + r * (hi - lo)
  let f1 = fn(x1)
  let f2 = fn(x2)
  let best = [fn(from), fn(to), f1, f2].reduce((a, b) => (better(b, a) ? b : a))
  for (let step = 0; step < searchSteps; step++) {
    if (better(f1, f2)) {
      hi = x2
      x2 = x1
      f2 = f1
      x1 = hi - r * (hi - lo)
      f1 = fn(x1)
      if (better(f1, best)) best = f1
    } else {
      lo = x1
      x1 = x2
      f1 = f2
      x2 = lo + r * (hi - lo)
      f2 = fn(x2)
      if (better(f2, best)) best = f2
    }
  }
  return best
}
