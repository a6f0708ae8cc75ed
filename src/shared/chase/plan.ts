import type { ExperimentConfig } from '../config/experimentConfig'
import { datasets, type DatasetName } from '../data/datasets'
import { modelCost } from '../models/flops'
import { estimateTrainingMemory, type MemoryEstimate } from '../models/memoryEstimate'
import type { ModelSpec, Shape } from '../models/modelSpec'
import { buildModel } from '../models/registry'
import { maskableWeightCount, parameterBudget } from './budget'
import { channelEventTargets, type ChannelEventTarget } from './channelEvents'
import { channelFloor } from './channelFloors'
import type { ChannelSparsitySchedule } from './channelSchedule'
import { softBoundDensityAt, type SoftBoundSchedule } from './densitySchedule'
import { dstRateAt } from './dstRate'
import { layerDensities } from './erk'
import { explorationSteps, type ExplorationUpdate } from './explorationSchedule'
import { maskLayout, type MaskedTensor } from './maskLayout'
import { gpuSupportedRange, type GpuSupportedRange } from './gpuSupportedRange'
import { estimateTrainingFlopsRatio, inferenceMacs, type CostTensor } from './planCost'
import { planIssues, type PlanIssue } from './planChecks'
import { runLength } from './runLength'
import { selectionWindow, type SelectionWindow } from './selectionWindow'
import { lrMilestoneSteps } from '../optim/learningRate'
import {
  channelEventTimingOf,
  dstRateScheduleOf,
  explorationTimingOf,
  resolveTiming,
  type ChaseTiming,
} from './timing'

export type { PlanIssue } from './planChecks'

/** One maskable tensor of the plan. */
export interface PlanLayer {
  /** Node name, e.g. `features.3`. */
  readonly name: string
  /** Parameter name, `<node>.weight`. */
  readonly tensor: string
  readonly kind: 'conv2d' | 'dense'
  /** tfjs layout: conv [kh, kw, in, out], dense [in, out]. */
  readonly shape: readonly number[]
  readonly weights: number
  /** Starting density (ERK/ER/uniform; 1 for a dense run). Later updates are global and let it drift. */
  readonly density: number
  /** Its output channels belong to a prunable channel group. */
  readonly prunable: boolean
  /** Output channels. */
  readonly channels: number
  /** Floor ⌊C·(1 − Sc)·β⌋ when prunable, else null. */
  readonly minChannels: number | null
  readonly denseMacs: number
}

export interface PlanChannelGroup {
  readonly name: string
  readonly producer: string
  readonly consumers: readonly string[]
  readonly channels: number
  readonly minChannels: number
}

export type PlanChannelEvent = ChannelEventTarget

/** A point of the dr(s) curve at an update step. */
export interface PlanDensityPoint {
  readonly step: number
  readonly kind: ExplorationUpdate
  /** nnz/N right after the update: dr(s) after a soft-bound grow, d after a classic update. */
  readonly densityAfter: number
  /** Classic updates: dst_rate(s), the share of active weights pruned and regrown; null for soft-bound. */
  readonly dstRate: number | null
}

export interface ChasePlan {
  readonly model: string
  readonly dataset: DatasetName
  readonly widthMultiplier: number
  readonly input: Shape
  readonly classes: number
  /** N: every conv and dense weight at its original shape. */
  readonly maskableWeights: number
  /** d (1 for a dense run). */
  readonly density: number
  /** d·N, the float budget. */
  readonly budget: number
  readonly trainImages: number
  readonly validationImages: number
  readonly stepsPerEpoch: number
  readonly epochs: number
  readonly totalSteps: number
  readonly timing: ChaseTiming
  /** Steps after which the step LR schedule decays (milestone epoch × steps per epoch, the official rule). */
  readonly lrMilestoneSteps: readonly number[]
  /** The best-checkpoint window at the end of the run. */
  readonly selectionWindow: SelectionWindow
  readonly layers: readonly PlanLayer[]
  readonly channelGroups: readonly PlanChannelGroup[]
  /** B: the prunable channels (Σ group widths). */
  readonly baselineChannels: number
  readonly channelEvents: readonly PlanChannelEvent[]
  readonly updates: { readonly softBound: number; readonly classic: number }
  /** dr(s) at the update steps (at most ~256 points, first and last always kept). */
  readonly densityCurve: readonly PlanDensityPoint[]
  readonly denseMacs: number
  /** Expected at the end, assuming channel removal spread in proportion to width. */
  readonly expectedTheoreticalMacs: number
  readonly expectedGpuSupportedMacs: number
  readonly theoreticalRatio: number
  readonly gpuSupportedRatio: number
  /**
   * [low, high] GPU-supported ratio that every run meeting the floors and the last event's target lands
   * in, whichever channels it removes (see gpuSupportedRange.ts); [1, 1] without channel events.
   */
  readonly gpuSupportedRatioRange: readonly [number, number]
  /** Training FLOPs (RigL convention) / dense training, under the same assumption. */
  readonly trainingFlopsRatio: number
  /** Bytes a training step holds at the configured batch sizes (a lower bound; see memoryEstimate.ts). */
  readonly memory: MemoryEstimate
  /** Choices the plan makes on the user's behalf, in words. */
  readonly notes: readonly string[]
}

export type PlanResult =
  | { readonly ok: true; readonly plan: ChasePlan; readonly warnings: readonly PlanIssue[] }
  | { readonly ok: false; readonly errors: readonly PlanIssue[]; readonly warnings: readonly PlanIssue[] }

export interface PlanOptions {
  /** The real steps per epoch when the data on disk differs from the published size. */
  readonly stepsPerEpoch?: number
}

/**
 * The whole run laid out before training: ERK densities, budget, floors, channel-event timeline, dr(s),
 * FLOPs. Pure and fast, so the renderer can call it on every keystroke.
 */
export function computePlan(config: ExperimentConfig, options: PlanOptions = {}): PlanResult {
  const info = datasets[config.data.dataset]
  let spec: ModelSpec
  try {
    spec = buildModel(config.model.arch, {
      input: info.input,
      classes: info.classes,
      widthMultiplier: config.model.widthMultiplier,
    })
  } catch (error) {
    return { ok: false, errors: [{ path: 'model.arch', message: (error as Error).message }], warnings: [] }
  }
  return planForSpec(spec, config, options)
}

/** As computePlan, for a spec built elsewhere (the trainer's own, or a test's hand-written one). */
export function planForSpec(
  spec: ModelSpec,
  config: ExperimentConfig,
  options: PlanOptions = {},
): PlanResult {
  let layout: MaskedTensor[]
  try {
    layout = maskLayout(spec)
  } catch (error) {
    return { ok: false, errors: [{ path: 'model.arch', message: (error as Error).message }], warnings: [] }
  }
  const length = runLength(config, options.stepsPerEpoch)
  const timing = resolveTiming(config, length.stepsPerEpoch)
  const sparse = config.sparsity.enabled
  const density = sparse ? config.sparsity.density : 1
  const channelsOn = config.channels.enabled && config.channels.sparsity > 0 && spec.channelGroups.length > 0
  const sc = config.channels.sparsity

  const densities = layerDensities(
    layout.map((t) => ({ name: t.tensor, shape: t.shape })),
    density,
    config.sparsity.init,
  ).densities
  const groups: PlanChannelGroup[] = spec.channelGroups.map((g) => ({
    name: g.name,
    producer: g.producer,
    consumers: g.consumers,
    channels: g.channels,
    minChannels: channelFloor(g.channels, sc, config.channels.floorRatio),
  }))
  const floorOf = new Map(groups.map((g) => [g.name, g.minChannels]))
  const baselineChannels = groups.reduce((total, g) => total + g.channels, 0)
  const layers: PlanLayer[] = layout.map((t, l) => ({
    name: t.node,
    tensor: t.tensor,
    kind: t.kind,
    shape: t.shape,
    weights: t.size,
    density: densities[l]!,
    prunable: t.outGroup !== null,
    channels: t.outChannels,
    minChannels: t.outGroup === null ? null : floorOf.get(t.outGroup)!,
    denseMacs: t.size * t.positions,
  }))
  const maskableWeights = maskableWeightCount(layout.map((t) => t.shape))

  const channelSchedule: ChannelSparsitySchedule = {
    sparsity: sc,
    endStep: timing.channelEndStep,
    shape: config.channels.schedule,
  }
  const events = channelsOn
    ? channelEventTargets(channelEventTimingOf(timing), channelSchedule, baselineChannels)
    : []
  const updates = explorationSteps(explorationTimingOf(config, timing))
  const drSchedule: SoftBoundSchedule = {
    density,
    increment: config.sparsity.softBoundIncrement,
    endStep: timing.softBoundEndStep,
    shape: config.sparsity.densitySchedule,
  }
  const dstSchedule = dstRateScheduleOf(config, timing)
  const densityAfter = (u: { step: number; kind: ExplorationUpdate }) =>
    u.kind === 'soft-bound' ? softBoundDensityAt(u.step, drSchedule) : density

  const { errors, warnings } = planIssues({
    config,
    spec,
    timing,
    groups,
    baselineChannels,
    events,
    updates,
    channelsOn,
    maskableWeights,
    layout,
    maxDensityTarget: updates.reduce((m, u) => Math.max(m, densityAfter(u)), density),
  })
  if (errors.length > 0) return { ok: false, errors, warnings }

  const costTensors: CostTensor[] = layout.map((t, l) => ({ layout: t, density: densities[l]! }))
  const denseMacs = modelCost(spec).denseMacs
  const lastEvent = events.at(-1)
  const finalSc = lastEvent ? lastEvent.targetChannelSparsity : 0
  const finalKeep = new Map(
    groups.map((g) => [g.name, Math.max(g.minChannels, Math.round(g.channels * (1 - finalSc))) / g.channels]),
  )
  const expected = inferenceMacs(costTensors, (group) => finalKeep.get(group) ?? 1)
  const outcomes = lastEvent
    ? gpuSupportedRange(costTensors, groups, lastEvent.targetAliveChannels, denseMacs)
    : null
  const range = outcomes ? outcomes.ratioRange : ([1, 1] as const)
  const trainingFlopsRatio = estimateTrainingFlopsRatio(costTensors, {
    totalSteps: timing.totalSteps,
    denseForwardMacs: denseMacs,
    density,
    updates: updates.map((u) => ({ step: u.step, densityAfter: densityAfter(u) })),
    events: events.map((e) => ({ step: e.step, keepFraction: e.targetAliveChannels / baselineChannels })),
  })

  const plan: ChasePlan = {
    model: spec.name,
    dataset: config.data.dataset,
    widthMultiplier: spec.widthMultiplier,
    input: spec.input,
    classes: spec.classes,
    maskableWeights,
    density,
    budget: parameterBudget(density, maskableWeights),
    trainImages: length.trainImages,
    validationImages: length.validationImages,
    stepsPerEpoch: length.stepsPerEpoch,
    epochs: length.epochs,
    totalSteps: length.totalSteps,
    timing,
    lrMilestoneSteps: lrMilestoneSteps(config.optim, length.stepsPerEpoch),
    selectionWindow: selectionWindow(config, length.stepsPerEpoch),
    layers,
    channelGroups: groups,
    baselineChannels,
    channelEvents: events,
    updates: {
      softBound: updates.filter((u) => u.kind === 'soft-bound').length,
      classic: updates.filter((u) => u.kind === 'classic').length,
    },
    densityCurve: sample(updates, 256).map((u) => ({
      step: u.step,
      kind: u.kind,
      densityAfter: densityAfter(u),
      dstRate: u.kind === 'classic' ? dstRateAt(u.step, dstSchedule) : null,
    })),
    denseMacs,
    expectedTheoreticalMacs: expected.theoretical,
    expectedGpuSupportedMacs: expected.gpuSupported,
    theoreticalRatio: denseMacs > 0 ? expected.theoretical / denseMacs : Number.NaN,
    gpuSupportedRatio: denseMacs > 0 ? expected.gpuSupported / denseMacs : Number.NaN,
    gpuSupportedRatioRange: denseMacs > 0 ? range : [Number.NaN, Number.NaN],
    trainingFlopsRatio,
    memory: estimateTrainingMemory(spec, {
      batchSize: config.optim.batchSize,
      evalBatchSize: config.optim.evalBatchSize,
      momentum: config.optim.momentum,
      sparse,
    }),
    notes: planNotes(config, timing, channelsOn, outcomes),
  }
  return { ok: true, plan, warnings }
}

function planNotes(
  config: ExperimentConfig,
  timing: ChaseTiming,
  channelsOn: boolean,
  outcomes: GpuSupportedRange | null,
): string[] {
  const notes: string[] = []
  if (channelsOn) {
    notes.push(
      `Channel events fall ${timing.channelEventOffsetSteps} steps (ΔTp/2) before each multiple of ΔT = ` +
        `${timing.channelIntervalSteps} steps, before T_c = ${timing.channelEndStep} (the CIFAR code hard-codes 500).`,
      'Channels are chosen deterministically: lowest score first across all groups, floors respected.',
    )
  } else if (config.channels.enabled && config.channels.sparsity === 0) {
    notes.push('Channel sparsity is 0: channel pruning is on but removes nothing.')
  }
  if (config.sparsity.enabled && config.sparsity.exploration !== 'static')
    notes.push('Prune and grow use exact counts: round(d·N) after a prune, round(dr(s)·N) after a grow.')
  notes.push(
    'Single FLOPs estimates assume channel removal spread over the groups in proportion to their width.',
  )
  if (outcomes)
    notes.push(
      'The GPU-supported range bounds every choice of channels that keeps the floors and meets the last ' +
        `target; inside it, removal in proportion to width gives ${outcomes.proportionalRatio.toFixed(3)}× and ` +
        `from the last layers first (what UMM selection does on initial weights of a chain like VGG) ` +
        `${outcomes.lateLayersFirstRatio.toFixed(3)}×. A finished run reports the measured ratio.`,
    )
  return notes
}

/** At most `count` items, evenly spread, first and last kept. */
function sample<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items]
  const out: T[] = []
  for (let i = 0; i < count; i++) out.push(items[Math.round((i * (items.length - 1)) / (count - 1))]!)
  return out
}
