import type { MaskedTensor } from './maskLayout'
import { trainingFlops, type GradientPass, type SparseCostPhase } from './trainingFlops'

/**
 * MAC estimates made before training, from the layout alone. Which channels go is decided by the data, so
 * the plan assumes the removal spreads over the groups in proportion to their width, and that each tensor
 * keeps its starting share of the budget as long as its alive region can hold it.
 */

export interface CostTensor {
  readonly layout: MaskedTensor
  /** Starting density (ERK, ER or uniform). */
  readonly density: number
}

/** Alive share of a group's channels (1 = all alive). */
export type KeepFraction = (group: string) => number

export interface InferenceMacs {
  /** Σ nonzero weights · positions. */
  readonly theoretical: number
  /** Σ alive-region weights · positions: the channel-slimmed net counted dense. */
  readonly gpuSupported: number
}

/** f_S and the slimmed dense cost when the net holds `densityScale` × its starting nonzeros. */
export function inferenceMacs(
  tensors: readonly CostTensor[],
  keep: KeepFraction,
  densityScale = 1,
): InferenceMacs {
  let theoretical = 0
  let gpuSupported = 0
  for (const { layout, density } of tensors) {
    const kOut = layout.outGroup === null ? 1 : keep(layout.outGroup)
    const kIn = layout.inGroup === null ? 1 : keep(layout.inGroup)
    const alive = layout.size * kOut * kIn
    gpuSupported += alive * layout.positions
    theoretical += Math.min(density * densityScale * layout.size, alive) * layout.positions
  }
  return { theoretical, gpuSupported }
}

export interface TrainingProfile {
  readonly totalSteps: number
  readonly denseForwardMacs: number
  /** The starting density d (the scale the tensors' densities are given at). */
  readonly density: number
  /** Updates ascending: the density the net holds after each (dr(s) after a soft-bound grow, d after classic). */
  readonly updates: readonly { readonly step: number; readonly densityAfter: number }[]
  /** Events ascending: the uniform alive share of every group after each. */
  readonly events: readonly { readonly step: number; readonly keepFraction: number }[]
}

/** More breakpoints than this are integrated on a uniform grid instead (keeps the live plan fast). */
const maxSegments = 20_000

/** Training FLOPs ratio (RigL convention, see trainingFlops.ts) under the plan's assumptions. */
export function estimateTrainingFlopsRatio(tensors: readonly CostTensor[], profile: TrainingProfile): number {
  const { totalSteps } = profile
  if (totalSteps < 1 || profile.denseForwardMacs <= 0) return Number.NaN
  // Masks change after an update or event at step s, so the new cost applies from s + 1.
  const exact = new Set<number>([1])
  for (const u of profile.updates) exact.add(u.step + 1)
  for (const e of profile.events) exact.add(e.step + 1)
  let starts = [...exact].filter((s) => s <= totalSteps).sort((a, b) => a - b)
  if (starts.length > maxSegments) {
    const width = Math.ceil(totalSteps / maxSegments)
    starts = []
    for (let s = 1; s <= totalSteps; s += width) starts.push(s)
  }
  const densityBefore = lastBefore(
    profile.updates.map((u) => u.step),
    profile.updates.map((u) => u.densityAfter),
    profile.density,
  )
  const keepBefore = lastBefore(
    profile.events.map((e) => e.step),
    profile.events.map((e) => e.keepFraction),
    1,
  )
  // The uniform removal assumption: every group keeps the same share.
  const groupKeep =
    (k: number): KeepFraction =>
    () =>
      k
  const phases: SparseCostPhase[] = starts.map((startStep) => {
    const scale = densityBefore(startStep) / profile.density
    return {
      startStep,
      sparseForwardMacs: inferenceMacs(tensors, groupKeep(keepBefore(startStep)), scale).theoretical,
    }
  })
  const gradientPasses: GradientPass[] = profile.updates.map((u) => ({
    step: u.step,
    macs: inferenceMacs(tensors, groupKeep(keepBefore(u.step))).gpuSupported,
  }))
  return trainingFlops({ totalSteps, denseForwardMacs: profile.denseForwardMacs, phases, gradientPasses })
    .ratio
}

/** The value set by the last change strictly before `step` (changes at s act from s + 1). */
function lastBefore(
  steps: readonly number[],
  values: readonly number[],
  initial: number,
): (step: number) => number {
  return (step) => {
    let lo = 0
    let hi = steps.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (steps[mid]! < step) lo = mid + 1
      else hi = mid
    }
    return lo === 0 ? initial : values[lo - 1]!
  }
}
