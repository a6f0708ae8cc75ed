import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { ExperimentConfig, type ExperimentConfigInput } from '../../../src/shared/config/experimentConfig'
import type { ModelSpec } from '../../../src/shared/models/modelSpec'
import { buildModel } from '../../../src/shared/models/registry'
import { Rng } from '../../../src/shared/rng'
import { maskLayout } from '../../../src/shared/chase/maskLayout'
import { Sgd } from '../../../src/trainer/chase/sgd'
import { SparseEngine, type StepEvents } from '../../../src/trainer/chase/sparseEngine'
import { createParameters, disposeParameters, type ModelParams } from '../../../src/trainer/model/parameters'

/** 10 steps per epoch × 10 epochs: ΔTp = 5, T_d = T_c = 80, ΔT = 10, so events at 8, 18, …, 78 (8). */
export const stepsPerEpoch = 10

export function testConfig(input: ExperimentConfigInput = {}): ExperimentConfig {
  const base: ExperimentConfigInput = {
    data: { dataset: 'synthetic', validationSplit: 0 },
    optim: { epochs: 10, batchSize: 4, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
    sparsity: {
      density: 0.2,
      softBoundIncrement: 0.1,
      updateInterval: '5 steps',
      softBoundEnd: '80 steps',
      finalPhase: 'classic-dst',
    },
    channels: { sparsity: 0.5, interval: '10 steps', end: '80 steps', floorRatio: 0.5 },
  }
  return ExperimentConfig.parse({
    ...base,
    ...input,
    data: { ...base.data, ...input.data },
    optim: { ...base.optim, ...input.optim },
    sparsity: { ...base.sparsity, ...input.sparsity },
    channels: { ...base.channels, ...input.channels },
  })
}

export const tinyModels: Record<string, () => ModelSpec> = {
  'VGG-like (vgg11 ×1/16, 16×16)': () =>
    buildModel('vgg11', { input: [16, 16, 3], classes: 10, widthMultiplier: 0.0625 }),
  // ×1/32 leaves 2-channel groups whose floors bind: the water-filling must skip them.
  'ResNet-like (resnet50 ×1/32, 8×8)': () =>
    buildModel('resnet50', { input: [8, 8, 3], classes: 10, widthMultiplier: 0.03125 }),
}

export interface Harness {
  readonly spec: ModelSpec
  readonly params: ModelParams
  readonly sgd: Sgd
  readonly engine: SparseEngine
  /** Stand-in gradients for `step` of a run seeded `seed` (a small pool, so they cost nothing to make). */
  gradients(seed: number, step: number): Map<string, tf.Tensor>
  dispose(): void
}

export function createHarness(spec: ModelSpec, config: ExperimentConfig, seed = 41): Harness {
  const params = createParameters(spec, Rng.fromSeed(seed))
  const { lr, momentum, weightDecay } = config.optim
  const sgd = new Sgd(params, { learningRate: lr, momentum, weightDecay })
  const engine = SparseEngine.create({
    spec,
    config,
    params,
    optimizer: sgd,
    rng: Rng.fromSeed(seed, 3),
    stepsPerEpoch,
  })
  const pools = new Map<number, Map<string, tf.Tensor>[]>()
  return {
    spec,
    params,
    sgd,
    engine,
    gradients(runSeed, step) {
      if (!pools.has(runSeed))
        pools.set(
          runSeed,
          [0, 1, 2, 3, 4].map((i) => noiseGradients(params, runSeed * 10 + i)),
        )
      return pools.get(runSeed)![(step * 3) % 5]!
    },
    dispose() {
      for (const pool of pools.values()) for (const grads of pool) tf.dispose([...grads.values()])
      engine.dispose()
      sgd.dispose()
      disposeParameters(params)
    },
  }
}

/** Seeded stand-in gradients for every trainable parameter: the engine only needs their values. */
export function noiseGradients(params: ModelParams, seed: number): Map<string, tf.Tensor> {
  const grads = new Map<string, tf.Tensor>()
  let i = 0
  for (const [name, variable] of params) {
    if (variable.trainable)
      grads.set(name, tf.randomNormal(variable.shape, 0, 1, 'float32', seed * 7919 + i++))
  }
  return grads
}

export interface StepRecord extends StepEvents {
  readonly step: number
  readonly nnz: number
  readonly alive: Map<string, Uint8Array>
}

/** Runs steps first…last with noise gradients, recording what the engine did and its state after each step. */
export async function simulate(
  h: Harness,
  range: { first?: number; last: number; seed?: number },
  onStep?: (record: StepRecord) => void | Promise<void>,
): Promise<StepRecord[]> {
  const records: StepRecord[] = []
  for (let step = range.first ?? 1; step <= range.last; step++) {
    const grads = h.gradients(range.seed ?? 1, step)
    h.sgd.step(grads)
    const events = await h.engine.onStep(step, grads)
    const record = { step, ...events, nnz: h.engine.nonzeros(), alive: h.engine.aliveChannels() }
    records.push(record)
    await onStep?.(record)
  }
  return records
}

/**
 * Every entry of a removed channel is cut: the producer's row (mask, weight, bias) and every consumer's
 * column (mask, weight). Returns the problems found, empty when all is well.
 */
export async function cutProblems(h: Harness): Promise<string[]> {
  const problems: string[] = []
  const state = await h.engine.exportState()
  const layout = new Map(maskLayout(h.spec).map((t) => [t.node, t]))
  for (const group of h.spec.channelGroups) {
    const alive = state.alive[group.name]!
    const dead = new Set<number>()
    alive.forEach((a, c) => (a ? undefined : dead.add(c)))
    if (dead.size === 0) continue
    const check = (node: string, channelOf: (index: number) => number) => {
      const t = layout.get(node)!
      const mask = state.masks[t.tensor]!
      const weight = h.params.get(t.tensor)!.dataSync()
      for (let i = 0; i < t.size; i++) {
        if (!dead.has(channelOf(i))) continue
        if (mask[i] !== 0) problems.push(`${t.tensor}[${i}] mask is 1 on removed channel ${channelOf(i)}`)
        if (weight[i] !== 0)
          problems.push(`${t.tensor}[${i}] weight is ${weight[i]} on removed channel ${channelOf(i)}`)
      }
    }
    // Tied producers (prune skip) share the group's channels: each is cut like the producer.
    for (const name of [group.producer, ...(group.tied ?? [])]) {
      const producer = layout.get(name)!
      check(name, (i) => i % producer.outChannels)
      if (producer.bias) {
        const bias = h.params.get(producer.bias)!.dataSync()
        for (const c of dead)
          if (bias[c] !== 0) problems.push(`${producer.bias}[${c}] is ${bias[c]} on a removed channel`)
      }
    }
    for (const consumer of group.consumers) {
      const t = layout.get(consumer)!
      check(consumer, (i) => (Math.floor(i / t.outChannels) % t.inChannels) % group.channels)
    }
  }
  return problems
}
