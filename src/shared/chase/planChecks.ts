import type { ExperimentConfig } from '../config/experimentConfig'
import type { ModelSpec } from '../models/modelSpec'
import type { ChannelEventTarget } from './channelEvents'
import type { ExplorationUpdate } from './explorationSchedule'
import type { MaskedTensor } from './maskLayout'
import type { ChaseTiming } from './timing'

/** A problem with a config, located at a dotted config path, saying what to change. */
export interface PlanIssue {
  readonly path: string
  readonly message: string
}

export interface PlanCheckInput {
  readonly config: ExperimentConfig
  readonly spec: ModelSpec
  readonly timing: ChaseTiming
  readonly groups: readonly {
    readonly name: string
    readonly channels: number
    readonly minChannels: number
  }[]
  readonly baselineChannels: number
  readonly events: readonly ChannelEventTarget[]
  readonly updates: readonly { readonly step: number; readonly kind: ExplorationUpdate }[]
  /** Channel pruning will actually remove channels. */
  readonly channelsOn: boolean
  readonly maskableWeights: number
  readonly layout: readonly MaskedTensor[]
  /** The highest nnz/N any update will aim at (d + Δ early in a soft-bound run). */
  readonly maxDensityTarget: number
}

/**
 * Feasibility before training (decision 4): what the official code would crash on, or silently do
 * nothing with, is an error or a warning here, with the fix in the message.
 */
export function planIssues(input: PlanCheckInput): { errors: PlanIssue[]; warnings: PlanIssue[] } {
  const { config, timing, events } = input
  const errors: PlanIssue[] = []
  const warnings: PlanIssue[] = []
  const sc = config.channels.sparsity

  if (timing.stepsPerEpoch < 1)
    errors.push({
      path: 'data.validationSplit',
      message:
        'no training image is left after the validation split: raise data.trainLimit or lower data.validationSplit',
    })

  const exploring = config.sparsity.enabled && config.sparsity.exploration !== 'static'
  if (exploring && timing.updateIntervalSteps < 1)
    errors.push({
      path: 'sparsity.updateInterval',
      message: `the update interval ΔTp is ${timing.updateIntervalSteps} steps: give at least 1 step (e.g. "1000 steps" or "0.5 epochs")`,
    })
  else if (exploring && timing.stepsPerEpoch >= 1 && input.updates.length === 0)
    warnings.push({
      path: 'sparsity.updateInterval',
      message:
        `no prune-and-grow update falls in the run (ΔTp = ${timing.updateIntervalSteps} steps, ` +
        `${timing.totalSteps} steps in all): the masks stay as initialised; shorten sparsity.updateInterval`,
    })
  if (
    exploring &&
    config.sparsity.exploration === 'soft-bound' &&
    timing.softBoundEndStep > timing.totalSteps
  )
    warnings.push({
      path: 'sparsity.softBoundEnd',
      message: `T_d = ${timing.softBoundEndStep} is after the last step (${timing.totalSteps}): dr(s) never comes down to d and no final phase runs`,
    })

  if (config.channels.enabled && sc > 0) {
    if (input.spec.channelGroups.length === 0) {
      errors.push({
        path: 'channels.sparsity',
        message:
          `model "${input.spec.name}" has no prunable channel groups: set channels.sparsity=0 or ` +
          'channels.enabled=false, or pick a model with groups (vgg*, resnet*, cnn-small)',
      })
    } else if (timing.channelIntervalSteps < 1) {
      errors.push({
        path: 'channels.interval',
        message: `the channel-event interval ΔT is ${timing.channelIntervalSteps} steps: give at least 1 step (e.g. "8000 steps" or "2 epochs")`,
      })
    } else if (timing.channelEndStep < 1) {
      errors.push({
        path: 'channels.end',
        message: `the channel-pruning end T_c is step ${timing.channelEndStep}: give a later end (e.g. "81.25%")`,
      })
    } else if (events.length === 0 && timing.stepsPerEpoch >= 1) {
      errors.push({
        path: 'channels.interval',
        message:
          `no channel event falls in the run: events need 1 ≤ s < T_c = ${timing.channelEndStep}, s ≤ ${timing.totalSteps} ` +
          `and (s + ${timing.channelEventOffsetSteps}) a multiple of ΔT = ${timing.channelIntervalSteps}: ` +
          'shorten channels.interval or move channels.end later',
      })
    }
    const floors = input.groups.reduce((total, g) => total + g.minChannels, 0)
    const left = Math.round(input.baselineChannels * (1 - sc))
    if (input.groups.length > 0 && floors > left)
      errors.push({
        path: 'channels.floorRatio',
        message:
          `the channel floors add up to ${floors} channels but Sc = ${sc} leaves ${left} of ${input.baselineChannels}: ` +
          'lower channels.floorRatio or channels.sparsity (every layer keeps at least 1 channel)',
      })
  }

  if (input.channelsOn && events.length > 0) {
    const last = events.at(-1)!
    if (timing.channelEndStep > timing.totalSteps + 1)
      warnings.push({
        path: 'channels.end',
        message: `T_c = ${timing.channelEndStep} is after the last step (${timing.totalSteps}): the last event reaches Sc = ${last.targetChannelSparsity.toFixed(4)} of ${sc}`,
      })
    else if (last.targetChannelSparsity < 0.99 * sc)
      warnings.push({
        path: 'channels.interval',
        message: `the last event (step ${last.step}) reaches Sc = ${last.targetChannelSparsity.toFixed(4)}, short of ${sc}: shorten channels.interval to get closer`,
      })
    const keep = last.targetAliveChannels / input.baselineChannels
    const aliveWeights = input.layout.reduce(
      (total, t) => total + t.size * (t.outGroup ? keep : 1) * (t.inGroup ? keep : 1),
      0,
    )
    const wanted = input.maxDensityTarget * input.maskableWeights
    if (config.sparsity.enabled && aliveWeights < wanted)
      warnings.push({
        path: 'channels.sparsity',
        message:
          `after removing ${(100 * last.targetChannelSparsity).toFixed(1)} % of the channels the alive region holds about ` +
          `${Math.round(aliveWeights)} weights, fewer than the ${Math.round(wanted)} the updates aim at: growth will fall short; ` +
          'lower channels.sparsity or sparsity.density',
      })
  }
  return { errors, warnings }
}
