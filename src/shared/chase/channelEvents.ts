import { channelSparsityAt, type ChannelSparsitySchedule } from './channelSchedule'

/** When channel events happen, in steps (1-based, as the official step counter). */
export interface ChannelEventTiming {
  /** ΔT: steps between events. */
  readonly intervalSteps: number
  /** Events fall this many steps before each multiple of ΔT: ⌊ΔTp/2⌋ (decision 9; CIFAR hard-codes 500). */
  readonly offsetSteps: number
  /** T_c: no event at or after this step. */
  readonly endStep: number
  /** The last step of the run. */
  readonly totalSteps: number
}

export interface ChannelEventTarget {
  readonly step: number
  /** Sc(s) at the event. */
  readonly targetChannelSparsity: number
  /** round(B·(1 − Sc(s))): the prunable channels alive right after the event. */
  readonly targetAliveChannels: number
}

/** The event offset for an update interval ΔTp: halfway between two prune-and-grow updates. */
export function channelEventOffset(updateIntervalSteps: number): number {
  return Math.floor(updateIntervalSteps / 2)
}

/** True when step s is an event: 1 ≤ s < T_c, s ≤ total, and (s + offset) mod ΔT == 0 (§1.2, decision 9). */
export function isChannelEventStep(step: number, timing: ChannelEventTiming): boolean {
  if (timing.intervalSteps <= 0 || step < 1 || step >= timing.endStep || step > timing.totalSteps)
    return false
  return (step + timing.offsetSteps) % timing.intervalSteps === 0
}

/** Every event step of the run, ascending. */
export function channelEventSteps(timing: ChannelEventTiming): number[] {
  const { intervalSteps, offsetSteps } = timing
  if (intervalSteps <= 0) return []
  const last = Math.min(timing.endStep - 1, timing.totalSteps)
  let first = (intervalSteps - (offsetSteps % intervalSteps)) % intervalSteps
  if (first < 1) first += intervalSteps
  const steps: number[] = []
  for (let step = first; step <= last; step += intervalSteps) steps.push(step)
  return steps
}

/** The events with their targets for B prunable channels. */
export function channelEventTargets(
  timing: ChannelEventTiming,
  schedule: ChannelSparsitySchedule,
  baselineChannels: number,
): ChannelEventTarget[] {
  return channelEventSteps(timing).map((step) => {
    const targetChannelSparsity = channelSparsityAt(step, schedule)
    return {
      step,
      targetChannelSparsity,
      targetAliveChannels: Math.round(baselineChannels * (1 - targetChannelSparsity)),
    }
  })
}
