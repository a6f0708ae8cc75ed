/** How the channel sparsity Sc(s) ramps up to its final value. */
export type ChannelScheduleShape = 'cubic' | 'cosine'

export interface ChannelSparsitySchedule {
  /** Final channel sparsity Sc. */
  readonly sparsity: number
  /** T_c: the step where the ramp reaches Sc. */
  readonly endStep: number
  readonly shape: ChannelScheduleShape
}

/**
 * Sc(s) (chase-spec.md §4.3): the GMP cubic ramp Sc·(1 − (1 − s/T_c)³), or the cosine ramp
 * Sc·(1 − cos(π s/T_c))/2; 0 before the start and Sc after T_c.
 */
export function channelSparsityAt(step: number, schedule: ChannelSparsitySchedule): number {
  const { sparsity, endStep } = schedule
  if (step <= 0) return 0
  if (endStep <= 0 || step >= endStep) return sparsity
  const progress = step / endStep
  if (schedule.shape === 'cubic') return sparsity * (1 - (1 - progress) ** 3)
  return (sparsity * (1 - Math.cos(Math.PI * progress))) / 2
}
