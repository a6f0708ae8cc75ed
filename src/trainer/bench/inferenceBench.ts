import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { datasets, DatasetName } from '../../shared/data/datasets'
import type { ModelSpec } from '../../shared/models/modelSpec'
import { modelCost } from '../../shared/models/flops'
import { buildModel } from '../../shared/models/registry'
import type { BenchRequest, BenchResult } from '../../shared/protocol/trainerMessages'
import { Rng } from '../../shared/rng'
import { initBackend } from '../backend/pickBackend'
import { registerWasmTrainingKernels } from '../backend/wasm/registerTrainingKernels'
import { forward } from '../model/forward'
import { createParameters, disposeParameters, type ModelParams } from '../model/parameters'
import { slimNetwork } from '../model/slim'
import { loadSlimmedNetwork } from '../training/slimmedNetworkFile'
import type { OrtContenders } from './onnxRuntimeBench'

interface Contender {
  readonly spec: ModelSpec
  readonly params: ModelParams
}

/**
 * Dense vs channel-slimmed inference on one backend, in one process, alternating the two every
 * repetition so that drift (thermal, other load) hits both alike. Latency includes reading the result
 * back (an async read: webgpu has no synchronous one in Node), which is what a user waits for.
 *
 * On wasm both run tfjs' shipped XNNPACK convolution: our training matrix product takes only channel
 * counts that are multiples of 4 and 8, which slimmed layers seldom are, and the comparison should
 * time the channels removed, not two different kernels. (The benchmark has its trainer process to itself.)
 */
export async function runInferenceBench(request: BenchRequest): Promise<BenchResult> {
  const backend = await initBackend(request.backend)
  if (backend.name !== 'wasm') return timeContenders(request, backend)
  registerWasmTrainingKernels({ ownConv2d: false })
  try {
    return await timeContenders(request, backend)
  } finally {
    // Training in this process (tests do both) gets its own convolution back.
    registerWasmTrainingKernels()
  }
}

async function timeContenders(request: BenchRequest, backend: BenchResult['backend']): Promise<BenchResult> {
  const { dense, slimmed, channelSparsity, model } = request.runDir
    ? fromRun(request.runDir)
    : fromModel(request)
  // Loaded only when asked for: ONNX Runtime is a native package the GPU device kit does not carry.
  const ortBench = request.onnxRuntime !== false ? await import('./onnxRuntimeBench') : null
  const ort = ortBench ? await ortBench.onnxRuntimeContenders(dense, slimmed) : null
  try {
    const samples: BenchResult['samples'] = []
    for (const batchSize of request.batchSizes) {
      const x = tf.randomNormal([batchSize, ...dense.spec.input], 0, 1, 'float32', request.seed)
      const time = async (c: Contender): Promise<number> => {
        const start = performance.now()
        const logits = tf.tidy(() => forward(c.spec, c.params, x, { training: false }).logits)
        await logits.data()
        logits.dispose()
        return performance.now() - start
      }
      for (let i = 0; i < request.warmup; i++) {
        await time(dense)
        await time(slimmed)
      }
      const denseMs: number[] = []
      const slimMs: number[] = []
      for (let i = 0; i < request.reps; i++) {
        denseMs.push(await time(dense))
        slimMs.push(await time(slimmed))
      }
      samples.push(
        { runtime: 'tfjs', variant: 'dense', batchSize, latencyMs: denseMs },
        { runtime: 'tfjs', variant: 'slimmed', batchSize, latencyMs: slimMs },
      )
      if (ortBench && ort) samples.push(...(await timeOnnxRuntime(ortBench, ort, x, batchSize, request)))
      x.dispose()
    }
    const denseCost = modelCost(dense.spec).denseMacs
    const slimCost = modelCost(slimmed.spec).denseMacs
    return {
      backend,
      model,
      channelSparsity,
      gpuSupportedRatio: slimCost / denseCost,
      samples,
      onnxRuntime: ort
        ? { version: ort.version, providers: ort.pairs.map((p) => p.provider), notes: ort.notes }
        : null,
      machine: { cpus: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryBytes: totalmem() },
    }
  } finally {
    await ort?.release()
    disposeParameters(dense.params)
    disposeParameters(slimmed.params)
  }
}

/** Dense and slimmed on each ONNX Runtime provider: the same batch, warm-ups and repetitions, alternating. */
async function timeOnnxRuntime(
  { ortInput, timeOrt }: typeof import('./onnxRuntimeBench'),
  ort: OrtContenders,
  x: tf.Tensor,
  batchSize: number,
  request: BenchRequest,
): Promise<BenchResult['samples']> {
  const input = ortInput(x)
  const samples: BenchResult['samples'] = []
  for (const { runtime, dense, slimmed } of ort.pairs) {
    for (let i = 0; i < request.warmup; i++) {
      await timeOrt(dense, input)
      await timeOrt(slimmed, input)
    }
    const denseMs: number[] = []
    const slimMs: number[] = []
    for (let i = 0; i < request.reps; i++) {
      denseMs.push(await timeOrt(dense, input))
      slimMs.push(await timeOrt(slimmed, input))
    }
    samples.push(
      { runtime, variant: 'dense', batchSize, latencyMs: denseMs },
      { runtime, variant: 'slimmed', batchSize, latencyMs: slimMs },
    )
  }
  return samples
}

function fromRun(runDir: string) {
  const network = loadSlimmedNetwork(join(runDir, 'slimmed.ckpt'))
  const dense = { spec: network.denseSpec, params: createParameters(network.denseSpec, Rng.fromSeed(0, 2)) }
  const channelsOf = (spec: ModelSpec) => spec.channelGroups.reduce((sum, g) => sum + g.channels, 0)
  const baseline = channelsOf(network.denseSpec)
  return {
    dense,
    slimmed: { spec: network.spec, params: network.params },
    channelSparsity: baseline > 0 ? 1 - channelsOf(network.spec) / baseline : 0,
    model: network.denseSpec.name,
  }
}

/** A model at a given channel sparsity: each group keeps a random ⌈C·(1−Sc)⌉ of its channels. */
function fromModel(request: BenchRequest) {
  if (!request.model) throw new Error('A benchmark needs a run (runDir) or a model name (model).')
  const datasetName = DatasetName.safeParse(request.dataset ?? defaultDatasetFor(request.model))
  if (!datasetName.success)
    throw new Error(`Unknown dataset "${request.dataset}" for the benchmark input shape.`)
  const info = datasets[datasetName.data]
  const spec = buildModel(request.model, {
    input: info.input,
    classes: info.classes,
    widthMultiplier: request.widthMultiplier,
  })
  const rng = Rng.fromSeed(request.seed, 4)
  const params = createParameters(spec, Rng.fromSeed(request.seed, 2))
  const alive = new Map<string, Uint8Array>()
  for (const group of spec.channelGroups) {
    const keep = Math.max(1, Math.ceil(group.channels * (1 - request.channelSparsity)))
    const order = Array.from({ length: group.channels }, (_, i) => i)
    rng.shuffle(order)
    const vector = new Uint8Array(group.channels)
    for (const index of order.slice(0, keep)) vector[index] = 1
    alive.set(group.name, vector)
  }
  const slimmed = slimNetwork(spec, params, alive)
  return { dense: { spec, params }, slimmed, channelSparsity: request.channelSparsity, model: spec.name }
}

function defaultDatasetFor(model: string): string {
  return model === 'mlp' || model === 'cnn-small' ? 'fashion-mnist' : 'cifar10'
}
