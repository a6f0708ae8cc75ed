import { cosineAnneal } from './cosineAnneal'

/** How dr(s) falls from d + Δ to d over the soft-bound phase. */
export type DensityScheduleShape = 'cosine' | 'linear'

export interface SoftBoundSchedule {
  /** d: the budget density. */
  readonly density: number
  /** Δ: the overshoot at step 0, in units of N. */
  readonly increment: number
  /** T_d: the step where dr reaches d. */
  readonly endStep: number
  readonly shape: DensityScheduleShape
}

/**
 * dr(s), the density the soft-bound grow step fills up to (chase-spec.md §3.2). `linear` is the honest
 * straight line d + Δ → d; the official `linear` (a constant 0.05) is one of its bugs (§9.8).
 */
export function softBoundDensityAt(step: number, schedule: SoftBoundSchedule): number {
  const { density, increment, endStep } = schedule
  if (schedule.shape === 'cosine') return cosineAnneal(density + increment, density, endStep, step)
  if (endStep <= 0 || step >= endStep) return density
  return density + increment * (1 - Math.max(0, step) / endStep)
}
