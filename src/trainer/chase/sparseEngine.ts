import * as tf from '@tensorflow/tfjs-core'
import { nonzeroTarget, classicPruneCount } from '../../shared/chase/budget'
import { isChannelEventStep, type ChannelEventTiming } from '../../shared/chase/channelEvents'
import { channelSparsityAt, type ChannelSparsitySchedule } from '../../shared/chase/channelSchedule'
import { selectChannelsToRemove } from '../../shared/chase/channelSelection'
import { softBoundDensityAt, type SoftBoundSchedule } from '../../shared/chase/densitySchedule'
import { dstRateAt, type DstRateSchedule } from '../../shared/chase/dstRate'
import {
  explorationAt,
  type ExplorationTiming,
  type ExplorationUpdate,
} from '../../shared/chase/explorationSchedule'
import { maskLayout } from '../../shared/chase/maskLayout'
import { planForSpec, type ChasePlan } from '../../shared/chase/plan'
import { channelEventTimingOf, dstRateScheduleOf, explorationTimingOf } from '../../shared/chase/timing'
import { TrainingFlopsMeter } from '../../shared/chase/trainingFlops'
import { ChannelGroups } from './channelGroups'
import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import type { ChannelScoreKind } from './channelScores'
import type { SparseEngineState } from './engineState'
import { recountNonzeros, replaceMasks, type MaskEntry } from './maskEntry'
import { sampleMask } from './maskSampling'
import { readValues } from './readValues'
import { growLargest, growRandom, pruneSmallest, type MaskChange } from './pruneGrow'
import { Rng } from '../../shared/rng'
import type { GradientMap } from './sgd'
import {
  ChasePlanError,
  type ChannelEventData,
  type EngineMacs,
  type EngineScalars,
  type LayerSnapshotData,
  type MaskUpdateData,
  type MomentumBuffers,
  type SparseEngineOptions,
  type StepEvents,
} from './sparseEngineTypes'

export * from './sparseEngineTypes'

/** Rng streams at and above this number belong to random regrowth, one per update step. */
const randomGrowthStream = 1 << 20
/** Rng streams at and above this number belong to random channel scores, one per event step. */
const randomChannelStream = 1 << 24

/**
 * The Chase sparse engine: masks for every conv and dense weight, alive vectors for every channel
 * group, and the schedule of chase-spec.md §1.2 with the workbench's decisions. It owns no training
 * loop; the loop calls it once per step:
 *
 *     const sgd = new Sgd(params, { learningRate, momentum, weightDecay })
 *     const engine = SparseEngine.create({ spec, config, params, optimizer: sgd, rng: Rng.fromSeed(seed, 3) })
 *     for (let step = 1; step <= engine.plan.totalSteps; step++) {   // 1-based, never reset
 *       const grads = …dense loss gradients by parameter name for this minibatch…
 *       sgd.step(grads)                                                // sgd.learningRate = … for the LR schedule
 *       const { channelEvent, maskUpdate } = await engine.onStep(step, grads)   // masks, then events
 *       …post channelEvent / maskUpdate when non-null; engine.scalars(step) for metrics…
 *       tf.dispose([...grads.values()])
 *     }
 *     // every N steps: await engine.snapshot(step) → layerSnapshot; checkpoints: await engine.exportState() + sgd.exportState()
 *
 * `create` samples the initial masks (exactly round(density_l·N_l) per tensor, ERK/ER/uniform) and
 * applies them, so the first forward pass is already sparse. `onStep` must see every step, in order.
 * Snapshot, MAC and state methods are read-only and may be called at any time (not while an onStep is
 * pending). The methods that read tensors are async: webgpu in Node reads only asynchronously. Call
 * `dispose` at the end.
 */
export class SparseEngine {
  readonly plan: ChasePlan
  private readonly entries: MaskEntry[]
  private readonly groups: ChannelGroups
  private readonly optimizer: MomentumBuffers
  private readonly exploration: ExplorationTiming
  private readonly eventTiming: ChannelEventTiming
  private readonly channelSchedule: ChannelSparsitySchedule
  private readonly softBound: SoftBoundSchedule
  private readonly dstRate: DstRateSchedule
  private readonly channelsOn: boolean
  private readonly score: ChannelScoreKind | 'random'
  private readonly scope: ExperimentConfig['sparsity']['updateScope']
  private readonly regrowth: ExperimentConfig['sparsity']['regrowth']
  private readonly seed: number
  private meter = new TrainingFlopsMeter()
  private macs: EngineMacs = { dense: 0, theoretical: 0, gpuSupported: 0 }

  private constructor(options: SparseEngineOptions, plan: ChasePlan) {
    const { spec, config, params } = options
    this.plan = plan
    this.optimizer = options.optimizer
    this.exploration = explorationTimingOf(config, plan.timing)
    this.eventTiming = channelEventTimingOf(plan.timing)
    this.channelSchedule = {
      sparsity: config.channels.sparsity,
      endStep: plan.timing.channelEndStep,
      shape: config.channels.schedule,
    }
    this.softBound = {
      density: plan.density,
      increment: config.sparsity.softBoundIncrement,
      endStep: plan.timing.softBoundEndStep,
      shape: config.sparsity.densitySchedule,
    }
    this.dstRate = dstRateScheduleOf(config, plan.timing)
    this.scope = config.sparsity.updateScope
    this.regrowth = config.sparsity.regrowth
    this.seed = config.system.seed
    this.channelsOn = plan.channelEvents.length > 0
    this.score = config.channels.score

    const variable = (name: string): tf.Variable => {
      const v = params.get(name)
      if (!v)
        throw new Error(
          `parameter "${name}" is missing: the parameters do not belong to model "${spec.name}"`,
        )
      return v
    }
    const layouts = maskLayout(spec)
    // Check every parameter before any mask tensor exists, so a mismatch leaks nothing.
    for (const layout of layouts) {
      const weight = variable(layout.tensor)
      if (layout.bias) variable(layout.bias)
      if (weight.shape.join('x') !== layout.shape.join('x'))
        throw new Error(
          `parameter "${layout.tensor}" is [${weight.shape.join(', ')}], the spec says [${layout.shape.join(', ')}]`,
        )
    }
    const densities = new Map(plan.layers.map((l) => [l.tensor, l.density]))
    this.entries = layouts.map((layout) => {
      const bits = sampleMask(layout.size, densities.get(layout.tensor)!, options.rng)
      return {
        layout,
        weight: variable(layout.tensor),
        bias: layout.bias ? variable(layout.bias) : null,
        mask: tf.tidy(() => tf.cast(tf.tensor(bits, [...layout.shape], 'bool'), 'float32')),
        // Counted here from the bits: a constructor cannot await a download.
        nnz: countOnes(bits),
        aliveSize: layout.size,
      }
    })
    this.groups = new ChannelGroups(
      spec,
      this.entries,
      new Map(plan.channelGroups.map((g) => [g.name, g.minChannels])),
    )
    this.refreshCosts()
    this.applyMasks()
  }

  /** Plans the run for this spec (throws ChasePlanError when infeasible), samples and applies the masks. */
  static create(options: SparseEngineOptions): SparseEngine {
    const result = planForSpec(options.spec, options.config, { stepsPerEpoch: options.stepsPerEpoch })
    if (!result.ok) throw new ChasePlanError(result.errors)
    return new SparseEngine(options, result.plan)
  }

  /**
   * Everything after the optimizer step of step `step` (1-based): re-apply the masks to weights, momentum
   * and removed channels' biases; then the channel event, then the prune-and-grow update, when due.
   * `grads` are the step's dense loss gradients by parameter name (only read at update steps).
   */
  async onStep(step: number, grads: GradientMap): Promise<StepEvents> {
    // The forward pass of this step ran on the masks as they were before any change below.
    this.meter.addStep(this.macs.theoretical)
    this.applyMasks()
    const channelEvent =
      this.channelsOn && isChannelEventStep(step, this.eventTiming) ? await this.channelEvent(step) : null
    const kind = explorationAt(step, this.exploration)
    const maskUpdate = kind ? await this.update(step, kind, grads) : null
    return { channelEvent, maskUpdate }
  }

  /** w ← w⊙mask and buf ← buf⊙mask for every maskable weight; zero the biases (and their momentum) of removed channels. */
  applyMasks(): void {
    tf.tidy(() => {
      for (const entry of this.entries) {
        if (entry.nnz === entry.layout.size) continue
        entry.weight.assign(tf.mul(entry.weight, entry.mask))
        const buffer = this.optimizer.buffer(entry.layout.tensor)
        if (buffer) buffer.assign(tf.mul(buffer, entry.mask))
      }
      this.groups.zeroRemovedBiases((name) => this.optimizer.buffer(name))
    })
  }

  /** The per-step scalars at step `step` (call after onStep). */
  scalars(step: number): EngineScalars {
    const nnz = this.nonzeros()
    const alive = this.entries.reduce((sum, e) => sum + e.aliveSize, 0)
    const { enabled, mode } = this.exploration
    const softBound = enabled && mode === 'soft-bound' && step < this.plan.timing.softBoundEndStep
    const b = this.plan.baselineChannels
    return {
      density: nnz / this.plan.maskableWeights,
      densityTarget: softBound ? softBoundDensityAt(step, this.softBound) : this.plan.density,
      aliveRegionDensity: alive > 0 ? nnz / alive : 0,
      channelSparsityTarget: this.channelsOn ? channelSparsityAt(step, this.channelSchedule) : 0,
      channelSparsity: b > 0 ? 1 - this.groups.aliveTotal() / b : 0,
      trainingFlopsRatio: this.meter.ratio(this.macs.dense),
    }
  }

  /** Per-channel density, UMM and alive flags per group, and nnz per tensor: the `layerSnapshot` payload. */
  async snapshot(step: number): Promise<LayerSnapshotData> {
    return {
      step,
      layers: await this.groups.snapshot(),
      densities: this.entries.map((e) => ({
        tensor: e.layout.tensor,
        nnz: e.nnz,
        size: e.layout.size,
        aliveSize: e.aliveSize,
      })),
    }
  }

  /** Inference MACs per image now (cached; changes only at events and updates). */
  forwardMacs(): EngineMacs {
    return this.macs
  }

  /** Training FLOPs so far / dense training for as many steps. */
  trainingFlopsRatio(): number {
    return this.meter.ratio(this.macs.dense)
  }

  /** Nonzero mask entries over all maskable weights. */
  nonzeros(): number {
    return this.entries.reduce((sum, e) => sum + e.nnz, 0)
  }

  /** Alive vectors per group (copies), e.g. for `slimNetwork`. */
  aliveChannels(): Map<string, Uint8Array> {
    return new Map(Object.entries(this.groups.exportAlive()))
  }

  async exportState(): Promise<SparseEngineState> {
    const masks: Record<string, Uint8Array> = {}
    for (const e of this.entries)
      masks[e.layout.tensor] = (await readValues(() => tf.cast(e.mask, 'bool'))) as Uint8Array
    return {
      version: 1,
      masks,
      alive: this.groups.exportAlive(),
      trainingFlops: this.meter.state(),
    }
  }

  /** Restores masks, alive vectors and the FLOPs tally (from exportState), then applies the masks. */
  importState(state: SparseEngineState): void {
    if (state.version !== 1)
      throw new Error(`sparse engine state version ${String(state.version)} is not supported`)
    this.groups.checkAlive(state.alive)
    for (const e of this.entries) {
      const bits = state.masks[e.layout.tensor]
      if (!bits || bits.length !== e.layout.size)
        throw new Error(`checkpoint has no mask of ${e.layout.size} entries for "${e.layout.tensor}"`)
    }
    this.groups.importAlive(state.alive)
    const next = this.entries.map((e) =>
      tf.tidy(() =>
        tf.cast(tf.tensor(state.masks[e.layout.tensor]!, [...e.layout.shape], 'bool'), 'float32'),
      ),
    )
    replaceMasks(this.entries, next)
    // Counted from the bits in hand, so restoring needs no download.
    for (const e of this.entries) e.nnz = countOnes(state.masks[e.layout.tensor]!)
    this.meter = new TrainingFlopsMeter(state.trainingFlops.sparseMacs, state.trainingFlops.steps)
    this.groups.updateAliveSizes(this.entries)
    this.refreshCosts()
    this.applyMasks()
  }

  dispose(): void {
    for (const entry of this.entries) entry.mask.dispose()
  }

  private async update(step: number, kind: ExplorationUpdate, grads: GradientMap): Promise<MaskUpdateData> {
    // Random regrowth draws from a stream of its own per update step, so a resumed run draws the same.
    const rng = this.regrowth === 'random' ? Rng.fromSeed(this.seed, randomGrowthStream + step) : null
    const grow = (entries: readonly MaskEntry[], count: number): Promise<MaskChange> =>
      rng
        ? growRandom(entries, count, (entry) => this.groups.region(entry), rng)
        : growLargest(entries, grads, count, (entry) => this.groups.region(entry))
    if (this.scope === 'layer') return this.layerUpdate(step, grow)
    const n = this.plan.maskableWeights
    const budget = nonzeroTarget(this.plan.density, n)
    let prune
    let densityTarget
    let growTo
    if (kind === 'soft-bound') {
      // §3.3: cut back to d·N by magnitude, then overgrow to dr(s)·N by gradient.
      prune = await pruneSmallest(this.entries, this.nonzeros() - budget)
      densityTarget = softBoundDensityAt(step, this.softBound)
      growTo = nonzeroTarget(densityTarget, n)
    } else {
      // §3.4: swap ⌈dst_rate·nnz⌉ weights, ending at the budget.
      prune = await pruneSmallest(
        this.entries,
        classicPruneCount(dstRateAt(step, this.dstRate), this.nonzeros()),
      )
      densityTarget = this.plan.density
      growTo = budget
    }
    // Zero the pruned weights now, so a weight pruned and regrown at once restarts from 0.
    this.applyMasks()
    const nnzAfterPrune = this.nonzeros()
    // Growth only turns on entries that are 0 with 0 momentum already: no second masking pass needed.
    const grown = await grow(this.entries, growTo - nnzAfterPrune)
    return this.afterUpdate(step, kind, prune, grown, nnzAfterPrune, densityTarget)
  }

  /**
   * Layer-wise classic DST (SET, RigL as published, §3.7 `magnitude` death): each tensor swaps
   * ⌈dst_rate·nnz_l⌉ of its own weights, so every layer keeps its count. No single threshold exists.
   */
  private async layerUpdate(
    step: number,
    grow: (entries: readonly MaskEntry[], count: number) => Promise<MaskChange>,
  ): Promise<MaskUpdateData> {
    const rate = dstRateAt(step, this.dstRate)
    const before = this.entries.map((e) => e.nnz)
    let pruned = 0
    for (const entry of this.entries)
      pruned += (await pruneSmallest([entry], classicPruneCount(rate, entry.nnz))).count
    this.applyMasks()
    const nnzAfterPrune = this.nonzeros()
    let grown = 0
    for (const [i, entry] of this.entries.entries())
      grown += (await grow([entry], before[i]! - entry.nnz)).count
    return this.afterUpdate(
      step,
      'classic',
      { count: pruned, threshold: null },
      { count: grown, threshold: null },
      nnzAfterPrune,
      this.plan.density,
    )
  }

  private afterUpdate(
    step: number,
    kind: ExplorationUpdate,
    prune: MaskChange,
    grow: MaskChange,
    nnzAfterPrune: number,
    densityTarget: number,
  ): MaskUpdateData {
    this.refreshCosts()
    this.meter.addGradientPass(this.macs.gpuSupported)
    return {
      step,
      mode: kind,
      pruned: prune.count,
      grown: grow.count,
      pruneThreshold: prune.threshold,
      growThreshold: grow.threshold,
      nnzAfterPrune,
      nnzAfterGrow: this.nonzeros(),
      densityTarget,
    }
  }

  private async channelEvent(step: number): Promise<ChannelEventData> {
    const targetChannelSparsity = channelSparsityAt(step, this.channelSchedule)
    const targetAliveChannels = Math.round(this.plan.baselineChannels * (1 - targetChannelSparsity))
    const aliveBefore = this.groups.aliveTotal()
    const need = aliveBefore - targetAliveChannels
    const groups = this.groups.list
    let removed: number[][] = groups.map(() => [])
    let threshold: number | null = null
    if (need > 0) {
      const scores =
        this.score === 'random' ? this.randomChannelScores(step) : await this.groups.scores(this.score)
      const selection = selectChannelsToRemove(
        groups.map((g, i) => ({ name: g.name, alive: g.alive, scores: scores[i]!, floor: g.floor })),
        need,
      )
      removed = selection.removed
      threshold = selection.threshold
      this.groups.remove(removed)
      await this.afterMaskChange()
      this.applyMasks()
    }
    return {
      step,
      targetChannelSparsity,
      targetAliveChannels,
      aliveBefore,
      aliveAfter: this.groups.aliveTotal(),
      threshold,
      removed: groups.map((g, i) => ({
        group: g.name,
        count: removed[i]!.length,
        alive: g.aliveCount,
        floor: g.floor,
      })),
    }
  }

  /** The random-choice control of the claims experiment: uniform scores from a stream per event step. */
  private randomChannelScores(step: number): Float32Array[] {
    const rng = Rng.fromSeed(this.seed, randomChannelStream + step)
    return this.groups.list.map((g) => Float32Array.from({ length: g.channels }, () => rng.next()))
  }

  /** Counts and costs after masks or alive vectors changed. */
  private async afterMaskChange(): Promise<void> {
    this.groups.updateAliveSizes(this.entries)
    await recountNonzeros(this.entries)
    this.refreshCosts()
  }

  private refreshCosts(): void {
    let dense = 0
    let theoretical = 0
    let gpuSupported = 0
    for (const { layout, nnz, aliveSize } of this.entries) {
      dense += layout.size * layout.positions
      theoretical += nnz * layout.positions
      gpuSupported += aliveSize * layout.positions
    }
    this.macs = { dense, theoretical, gpuSupported }
  }
}

function countOnes(bits: Uint8Array): number {
  let ones = 0
  for (const bit of bits) ones += bit === 0 ? 0 : 1
  return ones
}
