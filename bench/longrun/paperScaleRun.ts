import { buildModel } from '../../src/shared/models/registry'
import { isWeightNode, weightShape } from '../../src/shared/models/modelSpec'
import { Rng } from '../../src/shared/rng'
import type { MetricPoint, RunResult, TrainerToHost } from '../../src/shared/protocol/trainerMessages'

/**
 * The message stream of a paper-scale run (VGG-19 on CIFAR-100, issue #20): what the real trainer would
 * send, with made-up but deterministic numbers, so a store of that size can be built through the host's
 * ingestion path in seconds instead of days of training.
 */
export interface RunShape {
  readonly totalSteps: number
  readonly stepsPerEpoch: number
  /** A layer snapshot (4,992 channels in 15 groups) every this many steps. */
  readonly snapshotEverySteps: number
  /** Training metrics (loss, accuracy, lr…) every this many steps. */
  readonly metricEverySteps: number
  readonly channelEvents: number
  readonly maskUpdates: number
  /** Steps per `metrics`/`progress` message pair (the real trainer sends about 10 a second). */
  readonly stepsPerMessage: number
  readonly seed: number
  /** VGG-19's width (1: 4,992 channels in 15 groups); tests use less to keep snapshots small. */
  readonly widthMultiplier?: number
}

/** The paper's run: 160 epochs × 475 steps, 1 % snapshots, a mask update every 1,000 steps. */
export const paperShape: RunShape = {
  totalSteps: 76_000,
  stepsPerEpoch: 475,
  snapshotEverySteps: 760,
  metricEverySteps: 20,
  channelEvents: 8,
  maskUpdates: 75,
  stepsPerMessage: 100,
  seed: 41,
}

/** The same run shrunk by `scale` in steps (channel counts stay: a snapshot is as big as the paper's). */
export function scaledShape(scale: number, overrides: Partial<RunShape> = {}): RunShape {
  if (!(scale > 0 && scale <= 1)) throw new Error(`scale must be in (0, 1], got ${scale}`)
  const epochs = Math.max(2, Math.round(160 * scale))
  return {
    ...paperShape,
    totalSteps: epochs * paperShape.stepsPerEpoch,
    snapshotEverySteps: Math.max(1, Math.round(epochs * paperShape.stepsPerEpoch * 0.01)),
    channelEvents: Math.max(1, Math.round(8 * scale)),
    maskUpdates: Math.max(1, Math.round(75 * scale)),
    ...overrides,
  }
}

/** The 14 metric keys a Chase run records: per step, per epoch (validation, test) and per mask update. */
export const stepKeys = [
  'train/loss',
  'train/accuracy',
  'train/lr',
  'density/global',
  'channels/sparsity',
  'channels/sparsityTarget',
  'train/imagesPerSecond',
] as const
export const epochKeys = [
  'val/loss',
  'val/accuracy',
  'test/loss',
  'test/accuracy',
  'flops/theoretical',
] as const
export const updateKeys = ['mask/pruned', 'mask/grown'] as const

const vgg19 = (widthMultiplier = 1) =>
  buildModel('vgg19', { input: [32, 32, 3], classes: 100, widthMultiplier })

function result(shape: RunShape): RunResult {
  return {
    bestEpoch: Math.floor(shape.totalSteps / shape.stepsPerEpoch) - 1,
    selectedOn: 'validation',
    best: { validationAccuracy: 0.72, testAccuracy: 0.715 },
    final: { validationAccuracy: 0.71, testAccuracy: 0.712 },
    slimmedTestAccuracy: 0.712,
    recalibratedTestAccuracy: 0.713,
    density: 0.1,
    channelSparsity: 0.5,
    flops: {
      denseMacs: 398e6,
      theoreticalMacs: 40e6,
      gpuSupportedMacs: 150e6,
      theoreticalRatio: 0.1,
      gpuSupportedRatio: 0.38,
    },
    trainingFlopsRatio: 0.3,
    parameters: { dense: 20e6, nonzero: 2e6, slimmed: 8e6 },
    slimmedModelDir: null,
    durationSeconds: 1,
    imagesPerSecond: 1_000,
  }
}

/**
 * Yields the run's messages in the order a trainer sends them, one batch per `stepsPerMessage` steps,
 * starting after `fromStep` (a resumed stream). Each batch is the messages of steps `(prev, step]`.
 */
export function* runMessages(
  shape: RunShape,
  fromStep = 0,
): Generator<{ step: number; messages: TrainerToHost[] }> {
  const spec = vgg19(shape.widthMultiplier)
  const groups = spec.channelGroups
  const tensors = spec.nodes
    .filter(isWeightNode)
    .map((n) => ({ tensor: `${n.name}.weight`, size: weightShape(n).reduce((a, b) => a * b, 1) }))
  const rng = Rng.fromSeed(shape.seed, 7)
  const epochs = Math.ceil(shape.totalSteps / shape.stepsPerEpoch)
  const alive = groups.map((g) => new Array<number>(g.channels).fill(1))
  const eventEvery = Math.floor(shape.totalSteps / (shape.channelEvents + 1))
  const updateEvery = Math.max(1, Math.floor(shape.totalSteps / (shape.maskUpdates + 1)))
  let prev = fromStep
  if (fromStep === 0) {
    yield {
      step: 0,
      messages: [
        {
          type: 'backend',
          backend: { name: 'wasm', version: '4.22.0', threads: 1, simd: true, skipped: [] },
        },
        { type: 'phase', phase: 'training' },
        { type: 'log', level: 'info', message: 'paper-scale stream: VGG-19 on CIFAR-100' },
      ],
    }
  }
  while (prev < shape.totalSteps) {
    const step = Math.min(shape.totalSteps, prev + shape.stepsPerMessage)
    const messages: TrainerToHost[] = []
    const points: MetricPoint[] = []
    for (let s = prev + 1; s <= step; s++) {
      const t = s / shape.totalSteps
      if (s % shape.metricEverySteps === 0) {
        const values = [
          2.5 * Math.exp(-3 * t) + 0.2 * rng.next(),
          0.2 + 0.7 * t,
          0.1 * (1 - t),
          0.1,
          0.5 * t,
          0.5 * t,
          1000 + 50 * rng.next(),
        ]
        stepKeys.forEach((key, k) => points.push({ key, step: s, value: values[k]! }))
      }
      if (s % shape.stepsPerEpoch === 0) {
        epochKeys.forEach((key, k) => points.push({ key, step: s, value: k % 2 ? 0.7 * t : 2 - t + k / 10 }))
      }
      if (s % updateEvery === 0 && s / updateEvery <= shape.maskUpdates) {
        updateKeys.forEach((key) =>
          points.push({ key, step: s, value: 1000 + Math.floor(1000 * rng.next()) }),
        )
        messages.push({
          type: 'maskUpdate',
          step: s,
          mode: 'soft-bound',
          pruned: 2000,
          grown: 1900,
          pruneThreshold: 0.01,
          growThreshold: 0.02,
          nnzAfterPrune: 2_000_000,
          nnzAfterGrow: 2_000_000,
          densityTarget: 0.1,
        })
      }
      if (s % eventEvery === 0 && s / eventEvery <= shape.channelEvents) {
        const removed = groups.map((g, i) => {
          const list = alive[i]!
          let count = 0
          for (let c = 0; c < list.length && count < Math.floor(g.channels / 16); c++) {
            if (list[c] && rng.next() < 0.5) {
              list[c] = 0
              count++
            }
          }
          return {
            group: g.name,
            count,
            alive: list.reduce((a, b) => a + b, 0),
            floor: Math.floor(g.channels / 5),
          }
        })
        const aliveAfter = removed.reduce((a, r) => a + r.alive, 0)
        messages.push({
          type: 'channelEvent',
          step: s,
          targetChannelSparsity: 0.5 * t,
          targetAliveChannels: aliveAfter,
          aliveBefore: aliveAfter + removed.reduce((a, r) => a + r.count, 0),
          aliveAfter,
          threshold: 0.05,
          removed,
        })
      }
      if (s % shape.snapshotEverySteps === 0) {
        messages.push({
          type: 'layerSnapshot',
          step: s,
          layers: groups.map((g, i) => {
            const live = alive[i]!
            return {
              group: g.name,
              density: live.map((a) => (a ? 0.05 + 0.2 * rng.next() : 0)),
              umm: live.map((a) => (a ? rng.next() * (1 - t) + 0.1 : 0)),
              alive: live.slice(),
            }
          }),
          densities: tensors.map(({ tensor, size }) => ({
            tensor,
            nnz: Math.floor(size / 10),
            size,
            aliveSize: size,
          })),
        })
      }
    }
    if (points.length) messages.unshift({ type: 'metrics', points })
    messages.unshift({
      type: 'progress',
      step,
      totalSteps: shape.totalSteps,
      epoch: Math.min(epochs, Math.floor(step / shape.stepsPerEpoch)),
      epochs,
      imagesPerSecond: 1_000,
      etaSeconds: null,
    })
    if (step === shape.totalSteps) messages.push({ type: 'done', result: result(shape) })
    yield { step, messages }
    prev = step
  }
}
