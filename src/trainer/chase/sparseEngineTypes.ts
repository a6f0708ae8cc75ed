import type * as tf from '@tensorflow/tfjs-core'
import type { PlanIssue } from '../../shared/chase/plan'
import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import type { ModelSpec } from '../../shared/models/modelSpec'
import type { TrainerEvent } from '../../shared/protocol/trainerMessages'
import type { Rng } from '../../shared/rng'

/** Payloads of the trainer messages the engine produces (the message minus its `type`). */
export type MaskUpdateData = Omit<TrainerEvent<'maskUpdate'>, 'type'>
export type ChannelEventData = Omit<TrainerEvent<'channelEvent'>, 'type'>
export type LayerSnapshotData = Omit<TrainerEvent<'layerSnapshot'>, 'type'>

/** What `onStep` did at one step; both null on most steps. */
export interface StepEvents {
  readonly channelEvent: ChannelEventData | null
  readonly maskUpdate: MaskUpdateData | null
}

/** Per-step scalars for the live charts (chase-spec.md §6.2 items 2–4, 10). */
export interface EngineScalars {
  /** nnz / N against the original N. */
  readonly density: number
  /** dr(s) during the soft-bound phase, d otherwise (1 for a dense run). */
  readonly densityTarget: number
  /** nnz / |alive region|, the official printout's "density". */
  readonly aliveRegionDensity: number
  /** Sc(s) (0 when channel pruning is off). */
  readonly channelSparsityTarget: number
  /** 1 − F/B. */
  readonly channelSparsity: number
  /** Training FLOPs so far / dense training for as many steps (RigL convention). */
  readonly trainingFlopsRatio: number
}

/** Inference MACs per image of the network as it stands. */
export interface EngineMacs {
  readonly dense: number
  /** Σ nnz · positions. */
  readonly theoretical: number
  /** Σ alive-region size · positions: the channel-slimmed net counted dense. */
  readonly gpuSupported: number
}

/** The optimizer's side the engine needs: momentum buffers by parameter name (`Sgd` fits). */
export interface MomentumBuffers {
  buffer(name: string): tf.Variable | undefined
}

export interface SparseEngineOptions {
  readonly spec: ModelSpec
  readonly config: ExperimentConfig
  /** Parameters by name (`<node>.weight`, `.bias`, …); the engine masks them in place. */
  readonly params: ReadonlyMap<string, tf.Variable>
  readonly optimizer: MomentumBuffers
  /** Draws the initial masks (only at create). Give it its own stream, e.g. `Rng.fromSeed(seed, 3)`. */
  readonly rng: Rng
  /** Real steps per epoch when the data differs from the published size (else derived from the config). */
  readonly stepsPerEpoch?: number
}

/** The config cannot run on this spec; `issues` say why and what to change. */
export class ChasePlanError extends Error {
  override readonly name = 'ChasePlanError'
  constructor(readonly issues: readonly PlanIssue[]) {
    super(`The run cannot be planned:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`)
  }
}
