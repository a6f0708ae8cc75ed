import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import { runFiles } from '../../shared/export/networkMetadata'
import type { ModelSpec } from '../../shared/models/modelSpec'
import type { RunResult } from '../../shared/protocol/trainerMessages'
import { createBatchStream, type BatchStream, type LoadedDataset } from '../data'
import { exportLayersModel } from '../model/export'
import type { ModelParams } from '../model/parameters'
import { recalibrateBatchNorm, slimNetwork } from '../model/slim'
import type { EventEmitter } from '../runtime/eventEmitter'
import type { Evaluation } from './evaluate'
import { evaluate } from './evaluate'
import { writeNetworkMetadata } from './networkMetadataFile'
import { saveSlimmedNetwork } from './slimmedNetworkFile'
import type { TrainingParts } from './trainingParts'
import { loadTrainingState, type BestSoFar } from './trainingState'

export interface FinishInput {
  readonly runId: string
  /** From the start request: the host hashes configs, so the run record and the exports agree. */
  readonly configHash: string
  readonly config: ExperimentConfig
  readonly spec: ModelSpec
  readonly data: LoadedDataset
  readonly parts: TrainingParts
  /** The best-in-window checkpoint, or null to finish with the final weights. */
  readonly bestPath: string | null
  readonly best: BestSoFar | null
  readonly final: { readonly validation: Evaluation | null; readonly test: Evaluation }
  readonly testStream: BatchStream
  readonly runDir: string
  readonly emitter: EventEmitter
  readonly durationSeconds: number
  readonly imagesSeen: number
  readonly selectOnTest: boolean
}

/**
 * The end of training (spec §1.1, §5.1): restore the best checkpoint, slim the network physically,
 * recalibrate BN over one augmented pass of the training set, export it, and report every number.
 */
export async function finishRun(input: FinishInput): Promise<RunResult> {
  const { config, spec, parts, emitter } = input
  const { engine } = parts
  if (input.bestPath) loadTrainingState(input.bestPath, { ...parts, optimizer: null })

  emitter.send({ type: 'phase', phase: 'slimming' })
  const slim = slimNetwork(spec, parts.params, engine.aliveChannels())
  try {
    const slimmed = await evaluate(slim.spec, slim.params, input.testStream)
    let recalibrated: Evaluation | null = null
    if (config.selection.recalibrateBatchNorm) {
      emitter.send({ type: 'phase', phase: 'recalibrating' })
      await recalibrateBatchNorm(slim.spec, slim.params, trainingPass(input))
      recalibrated = await evaluate(slim.spec, slim.params, input.testStream)
    }

    emitter.send({ type: 'phase', phase: 'exporting' })
    const modelDir = join(input.runDir, runFiles.slimmedTfjs)
    const metadata = writeNetworkMetadata(input, slim.spec, recalibrated ?? slimmed)
    await exportLayersModel(slim.spec, slim.params, modelDir, metadata.slimmed)
    await saveSlimmedNetwork(join(input.runDir, runFiles.slimmedNetwork), {
      denseSpec: spec,
      spec: slim.spec,
      params: slim.params,
    })
    // The trained network at full width (pruned weights are zeros), for the dense ONNX/safetensors exports.
    await saveSlimmedNetwork(join(input.runDir, runFiles.denseNetwork), {
      denseSpec: spec,
      spec,
      params: parts.params,
    })

    const macs = engine.forwardMacs()
    const plan = engine.plan
    const aliveChannels = [...engine.aliveChannels().values()].reduce(
      (sum, a) => sum + a.reduce((s, x) => s + x, 0),
      0,
    )
    const trainableSize = (params: ModelParams) =>
      [...params.values()].filter((v) => v.trainable).reduce((sum, v) => sum + v.size, 0)
    const denseParameters = trainableSize(parts.params)
    const nonzero = engine.nonzeros() + denseParameters - plan.maskableWeights
    const best = input.best
    return {
      bestEpoch: best?.epoch ?? null,
      selectedOn: input.selectOnTest ? 'test' : 'validation',
      best: {
        validationAccuracy: best?.validationAccuracy ?? input.final.validation?.accuracy ?? null,
        testAccuracy: best?.testAccuracy ?? input.final.test.accuracy,
      },
      final: {
        validationAccuracy: input.final.validation?.accuracy ?? null,
        testAccuracy: input.final.test.accuracy,
      },
      slimmedTestAccuracy: slimmed.accuracy,
      recalibratedTestAccuracy: recalibrated?.accuracy ?? null,
      density: engine.nonzeros() / plan.maskableWeights,
      channelSparsity: plan.baselineChannels > 0 ? 1 - aliveChannels / plan.baselineChannels : 0,
      flops: {
        denseMacs: macs.dense,
        theoreticalMacs: macs.theoretical,
        gpuSupportedMacs: macs.gpuSupported,
        theoreticalRatio: macs.theoretical / macs.dense,
        gpuSupportedRatio: macs.gpuSupported / macs.dense,
      },
      trainingFlopsRatio: engine.trainingFlopsRatio(),
      parameters: { dense: denseParameters, nonzero, slimmed: trainableSize(slim.params) },
      slimmedModelDir: modelDir,
      durationSeconds: input.durationSeconds,
      imagesPerSecond: input.imagesSeen / Math.max(1e-9, input.durationSeconds),
    }
  } finally {
    for (const variable of slim.params.values()) variable.dispose()
  }
}

/** One pass over the augmented training set, as tensors (update_bn uses the training loader). */
async function* trainingPass(input: FinishInput): AsyncGenerator<tf.Tensor> {
  const { data, config } = input
  const stream = createBatchStream(data.train, {
    batchSize: config.optim.batchSize,
    seed: config.system.seed + 1,
    normalization: { mean: data.info.mean, std: data.info.std },
    augmentation: data.augmentation,
  })
  try {
    for (let i = 0; i < stream.batchesPerEpoch; i++) {
      const batch = await stream.next()
      const x = tf.tensor4d(batch.images, [...batch.shape])
      try {
        yield x
      } finally {
        x.dispose()
      }
    }
  } finally {
    await stream.close()
  }
}
