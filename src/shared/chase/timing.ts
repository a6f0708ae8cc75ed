import type { ExperimentConfig } from '../config/experimentConfig'
import { durationToSteps } from '../config/duration'
import { channelEventOffset, type ChannelEventTiming } from './channelEvents'
import type { DstRateSchedule } from './dstRate'
import type { ExplorationTiming } from './explorationSchedule'

/** Every Chase period of one run, in optimizer steps (decision 9: configs may say steps, epochs or a fraction). */
export interface ChaseTiming {
  readonly stepsPerEpoch: number
  readonly epochs: number
  readonly totalSteps: number
  /** ΔTp: steps between prune-and-grow updates. */
  readonly updateIntervalSteps: number
  /** T_d: end of the soft-bound phase. */
  readonly softBoundEndStep: number
  /** ΔT: steps between channel events. */
  readonly channelIntervalSteps: number
  /** T_c: no channel event at or after this step. */
  readonly channelEndStep: number
  /** ⌊ΔTp/2⌋: events fall this many steps before each multiple of ΔT. */
  readonly channelEventOffsetSteps: number
}

export function resolveTiming(config: ExperimentConfig, stepsPerEpoch: number): ChaseTiming {
  const { epochs } = config.optim
  const steps = (d: Parameters<typeof durationToSteps>[0]) => durationToSteps(d, stepsPerEpoch, epochs)
  const updateIntervalSteps = steps(config.sparsity.updateInterval)
  return {
    stepsPerEpoch,
    epochs,
    totalSteps: stepsPerEpoch * epochs,
    updateIntervalSteps,
    softBoundEndStep: steps(config.sparsity.softBoundEnd),
    channelIntervalSteps: steps(config.channels.interval),
    channelEndStep: steps(config.channels.end),
    channelEventOffsetSteps: channelEventOffset(updateIntervalSteps),
  }
}

export function explorationTimingOf(config: ExperimentConfig, timing: ChaseTiming): ExplorationTiming {
  return {
    enabled: config.sparsity.enabled,
    mode: config.sparsity.exploration,
    finalPhase: config.sparsity.finalPhase,
    updateIntervalSteps: timing.updateIntervalSteps,
    softBoundEndStep: timing.softBoundEndStep,
    totalSteps: timing.totalSteps,
  }
}

export function channelEventTimingOf(timing: ChaseTiming): ChannelEventTiming {
  return {
    intervalSteps: timing.channelIntervalSteps,
    offsetSteps: timing.channelEventOffsetSteps,
    endStep: timing.channelEndStep,
    totalSteps: timing.totalSteps,
  }
}

/** dst_rate(s): over the whole run (the official Chase code), or reaching its end rate at T_d (RigL's T_end). */
export function dstRateScheduleOf(config: ExperimentConfig, timing: ChaseTiming): DstRateSchedule {
  return {
    start: config.sparsity.dstRateStart,
    end: config.sparsity.dstRateEnd,
    totalSteps: config.sparsity.dstRateHorizon === 'phase' ? timing.softBoundEndStep : timing.totalSteps,
  }
}
