import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import type { ModelSpec } from '../../shared/models/modelSpec'
import { buildModel } from '../../shared/models/registry'
import { initBackend } from '../backend/pickBackend'
import {
  createBatchStream,
  createEvalStream,
  loadDataset,
  type BatchStream,
  type LoadedDataset,
} from '../data'
import type { EventEmitter } from '../runtime/eventEmitter'
import { cadenceOf, type RunCadence } from './runCadence'
import { TrainStep } from './trainStep'
import { createTrainingParts, type TrainingParts } from './trainingParts'
import { loadTrainingState, type TrainingProgress } from './trainingState'

export interface TrainingRequest {
  readonly runId: string
  readonly config: ExperimentConfig
  readonly runDir: string
  /** The host hashes configs (src/main/host/configHash.ts); the exports carry the run record's hash. */
  readonly configHash: string
  readonly resumeFrom?: string
}

/** Everything the loop and the finish need, built once per run (or per resume). */
export interface RunSetup {
  readonly request: TrainingRequest
  readonly data: LoadedDataset
  readonly spec: ModelSpec
  readonly parts: TrainingParts & { readonly optimizer: NonNullable<TrainingParts['optimizer']> }
  readonly trainStep: TrainStep
  readonly cadence: RunCadence
  readonly streams: {
    readonly train: BatchStream
    readonly validation: BatchStream | null
    readonly test: BatchStream
  }
  readonly paths: { readonly checkpoint: string; readonly best: string }
  /** Where the run starts: step 0, or the resumed checkpoint's progress. */
  readonly progress: TrainingProgress
}

const freshProgress = (): TrainingProgress => ({
  step: 0,
  epochsCompleted: 0,
  stream: null,
  best: null,
  elapsedSeconds: 0,
  imagesSeen: 0,
})

/** Backend, data, model and optimizer, the resumed state if any, and the data streams positioned on it. */
export async function setUpRun(request: TrainingRequest, emitter: EventEmitter): Promise<RunSetup> {
  const { config, runDir } = request
  const seed = config.system.seed
  mkdirSync(runDir, { recursive: true })

  emitter.send({ type: 'phase', phase: 'starting', detail: 'choosing the compute backend' })
  const backend = await initBackend(config.system.backend, { threads: config.system.threads })
  emitter.send({ type: 'backend', backend })

  emitter.send({ type: 'phase', phase: 'loading-data', detail: config.data.dataset })
  const data = await loadDataset(config.data, { seed })
  for (const note of data.notes) emitter.send({ type: 'log', level: 'info', message: note })

  const spec = buildModel(config.model.arch, {
    input: data.info.input,
    classes: data.info.classes,
    widthMultiplier: config.model.widthMultiplier,
  })
  const stepsPerEpoch = Math.ceil(data.train.count / config.optim.batchSize)
  const parts = createTrainingParts(spec, config, stepsPerEpoch)
  for (const note of parts.engine.plan.notes) emitter.send({ type: 'log', level: 'info', message: note })

  let progress = freshProgress()
  if (request.resumeFrom) {
    progress = loadTrainingState(request.resumeFrom, parts, (why, used) =>
      emitter.send({
        type: 'log',
        level: 'warn',
        message: `${why} Resuming from the previous one, ${used}.`,
      }),
    )
    emitter.send({
      type: 'log',
      level: 'info',
      message: `resumed from step ${progress.step} (${request.resumeFrom})`,
    })
  }

  const normalization = { mean: data.info.mean, std: data.info.std }
  const evalOptions = { batchSize: config.optim.evalBatchSize, normalization }
  const streams = {
    train: createBatchStream(data.train, {
      batchSize: config.optim.batchSize,
      seed,
      normalization,
      augmentation: data.augmentation,
      ...(progress.stream ? { state: progress.stream } : {}),
    }),
    validation: data.validation ? createEvalStream(data.validation, evalOptions) : null,
    test: createEvalStream(data.test, evalOptions),
  }
  return {
    request,
    data,
    spec,
    parts,
    trainStep: new TrainStep(spec, parts.params),
    cadence: cadenceOf(config, stepsPerEpoch, streams.validation !== null),
    streams,
    paths: { checkpoint: join(runDir, 'checkpoint.ckpt'), best: join(runDir, 'best.ckpt') },
    progress,
  }
}

/** Closes the streams and frees every tensor the setup made. */
export async function tearDownRun(setup: RunSetup): Promise<void> {
  const { train, validation, test } = setup.streams
  await Promise.all([train.close(), validation?.close(), test.close()])
  const { engine, optimizer, params } = setup.parts
  engine.dispose()
  optimizer.dispose()
  for (const variable of params.values()) variable.dispose()
}
