import { z } from 'zod'
import { BackendChoice, BackendName } from '../backends/backendNames'
import { ExperimentConfig } from '../config/experimentConfig'
import { GpuAdapter } from '../backends/gpuAdapter'

/**
 * The contract between the host (supervisor) and one trainer process. Every message is declared here
 * once and validated on arrival on both sides (style.md, "Processes with a clear contract").
 * Arrays are plain numbers so the same messages travel over Electron's parentPort, Node's IPC channel
 * and JSON alike.
 */

export const BackendReport = z.object({
  name: BackendName,
  version: z.string(),
  threads: z.number().int().positive(),
  simd: z.boolean(),
  /** The WebGPU adapter a webgpu run computes on. */
  adapter: GpuAdapter.optional(),
  /** Why the better backends were not used, e.g. "tensorflow-gpu: @tensorflow/tfjs-node-gpu is not installed". */
  skipped: z.array(z.string()).default([]),
})
export type BackendReport = z.infer<typeof BackendReport>

// ---- host → trainer -------------------------------------------------------------------------------

export const StartTraining = z.object({
  type: z.literal('start'),
  runId: z.string().min(1),
  config: ExperimentConfig,
  /** Folder the trainer owns for checkpoints, the slimmed model and exports. */
  runDir: z.string().min(1),
  /** The run's config hash (the host's `configHash`), written into the exported networks' metadata. */
  configHash: z.string().min(1),
  /** Resume from this checkpoint file instead of starting fresh. */
  resumeFrom: z.string().optional(),
})

export const BenchRequest = z.object({
  /** Measure this run's slimmed network, or a model + channel sparsity with random channel removal. */
  runDir: z.string().optional(),
  model: z.string().optional(),
  widthMultiplier: z.number().positive().default(1),
  dataset: z.string().optional(),
  channelSparsity: z.number().min(0).max(0.99).default(0.5),
  batchSizes: z.array(z.number().int().positive().max(4096)).min(1).default([1, 32, 128]),
  warmup: z.number().int().min(0).max(1000).default(5),
  reps: z.number().int().min(1).max(10_000).default(30),
  backend: BackendChoice.default('auto'),
  seed: z.number().int().default(41),
  /** Also time both networks exported to ONNX on ONNX Runtime (same batches, warm-ups and repetitions); default yes. */
  onnxRuntime: z.boolean().optional(),
})
export type BenchRequest = z.infer<typeof BenchRequest>

export const StartBench = z.object({
  type: z.literal('bench'),
  benchId: z.string().min(1),
  request: BenchRequest,
})

export const HostToTrainer = z.discriminatedUnion('type', [
  StartTraining,
  StartBench,
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  /** Finish the current step, write a checkpoint, exit cleanly. */
  z.object({ type: z.literal('stop'), reason: z.enum(['user', 'shutdown']).default('user') }),
])
export type HostToTrainer = z.infer<typeof HostToTrainer>

// ---- trainer → host -------------------------------------------------------------------------------

export const RunPhase = z.enum([
  'starting',
  'loading-data',
  'training',
  'evaluating',
  'slimming',
  'recalibrating',
  'exporting',
  'paused',
  'stopping',
])
export type RunPhase = z.infer<typeof RunPhase>

export const MetricPoint = z.object({
  key: z.string().min(1),
  step: z.number().int().min(0),
  value: z.number(),
})
export type MetricPoint = z.infer<typeof MetricPoint>

export const LayerChannels = z.object({
  /** Channel-group name (the producer layer). */
  group: z.string(),
  /** Per original channel: nnz(mask row) / (C_in·k_h·k_w). Removed channels read 0. */
  density: z.array(z.number()),
  /** Per original channel: UMM score (§4.2). */
  umm: z.array(z.number()),
  /** Per original channel: 1 alive, 0 removed. */
  alive: z.array(z.number().int().min(0).max(1)),
})
export type LayerChannels = z.infer<typeof LayerChannels>

export const LayerDensity = z.object({
  /** Maskable tensor name, e.g. `features.3.weight`. */
  tensor: z.string(),
  nnz: z.number().int().min(0),
  size: z.number().int().positive(),
  aliveSize: z.number().int().min(0),
})

export const FlopsRatios = z.object({
  denseMacs: z.number().nonnegative(),
  theoreticalMacs: z.number().nonnegative(),
  gpuSupportedMacs: z.number().nonnegative(),
  theoreticalRatio: z.number().nonnegative(),
  gpuSupportedRatio: z.number().nonnegative(),
})
export type FlopsRatios = z.infer<typeof FlopsRatios>

export const RunResult = z.object({
  bestEpoch: z.number().int().min(0).nullable(),
  selectedOn: z.enum(['validation', 'test']),
  best: z.object({ validationAccuracy: z.number().nullable(), testAccuracy: z.number() }),
  final: z.object({ validationAccuracy: z.number().nullable(), testAccuracy: z.number() }),
  /** Test accuracy of the slimmed best network before and after BN recalibration. */
  slimmedTestAccuracy: z.number(),
  recalibratedTestAccuracy: z.number().nullable(),
  /** nnz / N over the maskable weights, against the original N. */
  density: z.number(),
  /** 1 − alive / prunable channels. */
  channelSparsity: z.number(),
  flops: FlopsRatios,
  /** Training FLOPs integrated per step (RigL convention) as a ratio to dense training. */
  trainingFlopsRatio: z.number().nullable(),
  parameters: z.object({ dense: z.number(), nonzero: z.number(), slimmed: z.number() }),
  /** Folder of the exported slimmed TensorFlow.js model (model.json + weights). */
  slimmedModelDir: z.string().nullable(),
  durationSeconds: z.number(),
  imagesPerSecond: z.number(),
})
export type RunResult = z.infer<typeof RunResult>

/** What ran the network: tfjs on the request's backend, or ONNX Runtime with one execution provider. */
export const BenchRuntime = z.enum(['tfjs', 'onnxruntime-cpu', 'onnxruntime-cuda'])
export type BenchRuntime = z.infer<typeof BenchRuntime>

export const BenchSample = z.object({
  runtime: BenchRuntime.default('tfjs'),
  variant: z.enum(['dense', 'slimmed']),
  batchSize: z.number().int().positive(),
  latencyMs: z.array(z.number().nonnegative()),
})
export const BenchResult = z.object({
  backend: BackendReport,
  model: z.string(),
  channelSparsity: z.number(),
  gpuSupportedRatio: z.number(),
  samples: z.array(BenchSample),
  /** ONNX Runtime beside tfjs: its version, the providers timed, and why any other was not. */
  onnxRuntime: z
    .object({ version: z.string(), providers: z.array(z.string()), notes: z.array(z.string()) })
    .nullable()
    .default(null),
  machine: z.object({ cpus: z.string(), cores: z.number().int(), memoryBytes: z.number() }),
})
export type BenchResult = z.infer<typeof BenchResult>

const event = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape })

export const TrainerToHost = z.discriminatedUnion('type', [
  event('ready', { pid: z.number().int(), node: z.string() }),
  event('backend', { backend: BackendReport }),
  event('heartbeat', { step: z.number().int().min(0), at: z.number() }),
  event('phase', { phase: RunPhase, detail: z.string().optional() }),
  event('progress', {
    step: z.number().int().min(0),
    totalSteps: z.number().int().min(0),
    epoch: z.number().int().min(0),
    epochs: z.number().int().min(1),
    imagesPerSecond: z.number().nonnegative(),
    etaSeconds: z.number().nonnegative().nullable(),
  }),
  event('metrics', { points: z.array(MetricPoint).max(100_000) }),
  event('layerSnapshot', {
    step: z.number().int().min(0),
    layers: z.array(LayerChannels),
    densities: z.array(LayerDensity),
  }),
  event('channelEvent', {
    step: z.number().int().min(0),
    targetChannelSparsity: z.number(),
    targetAliveChannels: z.number(),
    aliveBefore: z.number().int(),
    aliveAfter: z.number().int(),
    /** Highest score removed at this event. */
    threshold: z.number().nullable(),
    removed: z.array(
      z.object({
        group: z.string(),
        count: z.number().int().min(0),
        alive: z.number().int(),
        floor: z.number().int(),
      }),
    ),
  }),
  event('maskUpdate', {
    step: z.number().int().min(0),
    mode: z.enum(['soft-bound', 'classic']),
    pruned: z.number().int().min(0),
    grown: z.number().int().min(0),
    pruneThreshold: z.number().nullable(),
    growThreshold: z.number().nullable(),
    nnzAfterPrune: z.number().int().min(0),
    nnzAfterGrow: z.number().int().min(0),
    densityTarget: z.number(),
  }),
  event('checkpoint', {
    step: z.number().int().min(0),
    epoch: z.number().int().min(0),
    path: z.string(),
    bytes: z.number().int().min(0),
  }),
  event('log', { level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  event('done', { result: RunResult }),
  event('benchDone', { benchId: z.string(), result: BenchResult }),
  event('failed', {
    kind: z.enum(['config', 'data', 'backend', 'internal']),
    message: z.string(),
    stack: z.string().optional(),
  }),
])
export type TrainerToHost = z.infer<typeof TrainerToHost>
export type TrainerEvent<K extends TrainerToHost['type']> = Extract<TrainerToHost, { type: K }>

/**
 * The one thing a trainer knows about its parent: Electron's `process.parentPort` and Node's
 * `process.send` both fit behind it.
 */
export interface ParentPort {
  postMessage(message: TrainerToHost): void
  onMessage(listener: (message: HostToTrainer) => void): void
}
