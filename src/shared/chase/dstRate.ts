import { cosineAnneal } from './cosineAnneal'

export interface DstRateSchedule {
  /** Rate at step 0 (the official hard-coded 0.5). */
  readonly start: number
  /** Rate at the last step (0.005). */
  readonly end: number
  /** The schedule spans the whole run, E·spe steps (§3.2). */
  readonly totalSteps: number
}

/** dst_rate(s): the fraction of active weights a classic-DST update prunes and regrows (§3.4). */
export function dstRateAt(step: number, schedule: DstRateSchedule): number {
  return cosineAnneal(schedule.start, schedule.end, schedule.totalSteps, step)
}
