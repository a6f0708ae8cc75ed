import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { durationToSteps } from '../../shared/config/duration'
import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import { buildModel } from '../../shared/models/registry'
import { learningRateAt } from '../../shared/optim/learningRate'
import type { BackendReport } from '../../shared/protocol/trainerMessages'
import { initBackend } from '../backend/pickBackend'
import {
  createBatchStream,
  createEvalStream,
  loadDataset,
  type BatchStream,
  type LoadedDataset,
} from '../data'
import type { EventEmitter } from '../runtime/eventEmitter'
import { evaluate } from './evaluate'
import { finishRun } from './finishRun'
import type { RunControl } from './runControl'
import { TrainStep } from './trainStep'
import { createTrainingParts } from './trainingParts'
import { loadTrainingState, saveTrainingState, type TrainingProgress } from './trainingState'

export interface TrainingRequest {
  readonly runId: string
  readonly config: ExperimentConfig
  readonly runDir: string
  readonly resumeFrom?: string
}

export type TrainingOutcome = 'completed' | 'stopped'

/**
 * One whole run in this process: backend, data, model, the Chase loop with its per-epoch evaluation and
 * checkpoints, then the end of training (best checkpoint, slimming, BN recalibration, export).
 */
export async function runTraining(
  request: TrainingRequest,
  emitter: EventEmitter,
  control: RunControl,
): Promise<TrainingOutcome> {
  const { config, runDir, runId } = request
  const seed = config.system.seed
  mkdirSync(runDir, { recursive: true })

  emitter.send({ type: 'phase', phase: 'starting', detail: 'choosing the compute backend' })
  const backend: BackendReport = await initBackend(config.system.backend, { threads: config.system.threads })
  emitter.send({ type: 'backend', backend })

  emitter.send({ type: 'phase', phase: 'loading-data', detail: config.data.dataset })
  const data: LoadedDataset = await loadDataset(config.data, { seed })
  for (const note of data.notes) emitter.send({ type: 'log', level: 'info', message: note })

  const spec = buildModel(config.model.arch, {
    input: data.info.input,
    classes: data.info.classes,
    widthMultiplier: config.model.widthMultiplier,
  })
  const batchSize = config.optim.batchSize
  const stepsPerEpoch = Math.ceil(data.train.count / batchSize)
  const epochs = config.optim.epochs
  const totalSteps = stepsPerEpoch * epochs

  const parts = createTrainingParts(spec, config, stepsPerEpoch)
  const { params, optimizer, engine } = parts
  for (const note of engine.plan.notes) emitter.send({ type: 'log', level: 'info', message: note })
  const trainStep = new TrainStep(spec, params)

  const checkpointPath = join(runDir, 'checkpoint.ckpt')
  const bestPath = join(runDir, 'best.ckpt')
  let progress: TrainingProgress = {
    step: 0,
    epochsCompleted: 0,
    stream: null,
    best: null,
    elapsedSeconds: 0,
    imagesSeen: 0,
  }
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
  const trainStream = createBatchStream(data.train, {
    batchSize,
    seed,
    normalization,
    augmentation: data.augmentation,
    ...(progress.stream ? { state: progress.stream } : {}),
  })
  const evalBatch = config.optim.evalBatchSize
  const validationStream = data.validation
    ? createEvalStream(data.validation, { batchSize: evalBatch, normalization })
    : null
  const testStream = createEvalStream(data.test, { batchSize: evalBatch, normalization })

  const logEvery = config.system.logInterval
  const snapshotEvery = Math.max(1, durationToSteps(config.system.snapshotInterval, stepsPerEpoch, epochs))
  const checkpointEvery = Math.max(
    1,
    durationToSteps(config.system.checkpointInterval, stepsPerEpoch, epochs),
  )
  const windowEpochs = Math.max(
    1,
    Math.round(durationToSteps(config.selection.window, stepsPerEpoch, epochs) / stepsPerEpoch),
  )
  const selectOnTest = config.selection.checkpointOn === 'test' || !validationStream

  const save = (): void => {
    const window = { loss: windowLoss, correct: windowCorrect, images: windowImages }
    const bytes = saveTrainingState(
      checkpointPath,
      runId,
      parts,
      { ...progress, window },
      { keepPrevious: true },
    )
    emitter.send({
      type: 'checkpoint',
      step: progress.step,
      epoch: progress.epochsCompleted,
      path: checkpointPath,
      bytes,
    })
  }
  const postEngineEvents = (step: number): void => {
    const s = engine.scalars(step)
    emitter.metric('sparsity/density', step, s.density)
    emitter.metric('sparsity/densityTarget', step, s.densityTarget)
    emitter.metric('sparsity/aliveRegionDensity', step, s.aliveRegionDensity)
    emitter.metric('channels/sparsity', step, s.channelSparsity)
    emitter.metric('channels/sparsityTarget', step, s.channelSparsityTarget)
    emitter.metric('flops/trainingRatio', step, s.trainingFlopsRatio)
  }

  if (progress.step === 0) {
    postEngineEvents(0)
    emitter.send({ type: 'layerSnapshot', ...engine.snapshot(0) })
  }
  emitter.send({ type: 'phase', phase: 'training' })
  const started = performance.now() - progress.elapsedSeconds * 1000
  let windowLoss = progress.window?.loss ?? 0
  let windowCorrect = progress.window?.correct ?? 0
  let windowImages = progress.window?.images ?? 0
  let rateImages = 0
  let rateStart = performance.now()
  let imagesPerSecond = 0

  try {
    while (progress.step < totalSteps) {
      const decision = await control.boundary(
        () => emitter.send({ type: 'phase', phase: 'paused' }),
        () => emitter.send({ type: 'phase', phase: 'training' }),
      )
      if (decision === 'stop') {
        emitter.send({ type: 'phase', phase: 'stopping' })
        progress.elapsedSeconds = (performance.now() - started) / 1000
        save()
        return 'stopped'
      }

      const batch = await trainStream.next()
      const step = progress.step + 1
      optimizer.learningRate = learningRateAt(batch.epoch, config.optim)
      const { loss, correct, grads } = trainStep.run(batch)
      optimizer.step(grads)
      const { channelEvent, maskUpdate } = engine.onStep(step, grads)
      tf.dispose([...grads.values()])
      if (channelEvent) emitter.send({ type: 'channelEvent', ...channelEvent })
      if (maskUpdate) emitter.send({ type: 'maskUpdate', ...maskUpdate })

      progress = { ...progress, step, stream: batch.state, imagesSeen: progress.imagesSeen + batch.size }
      windowLoss += loss * batch.size
      windowCorrect += correct
      windowImages += batch.size
      rateImages += batch.size

      if (step % logEvery === 0 || batch.lastInEpoch) {
        emitter.metric('train/loss', step, windowLoss / windowImages)
        emitter.metric('train/accuracy', step, windowCorrect / windowImages)
        emitter.metric('train/lr', step, optimizer.learningRate)
        postEngineEvents(step)
        windowLoss = windowCorrect = windowImages = 0
      }
      if (channelEvent || maskUpdate) postEngineEvents(step)
      if (step % snapshotEvery === 0 || channelEvent)
        emitter.send({ type: 'layerSnapshot', ...engine.snapshot(step) })

      const now = performance.now()
      if (now - rateStart > 1000) {
        imagesPerSecond = (rateImages * 1000) / (now - rateStart)
        rateImages = 0
        rateStart = now
      }
      emitter.progress({
        step,
        totalSteps,
        epoch: batch.epoch,
        epochs,
        imagesPerSecond,
        etaSeconds: imagesPerSecond > 0 ? ((totalSteps - step) * batchSize) / imagesPerSecond : null,
      })

      if (batch.lastInEpoch) {
        progress.epochsCompleted = batch.epoch + 1
        emitter.send({ type: 'phase', phase: 'evaluating', detail: `epoch ${batch.epoch + 1}` })
        const validation = validationStream ? await evaluate(spec, params, validationStream) : null
        const test = await evaluate(spec, params, testStream)
        if (validation) {
          emitter.metric('validation/loss', step, validation.loss)
          emitter.metric('validation/accuracy', step, validation.accuracy)
        }
        emitter.metric('test/loss', step, test.loss)
        emitter.metric('test/accuracy', step, test.accuracy)
        emitter.metric('epoch', step, batch.epoch + 1)
        const score = selectOnTest ? test.accuracy : validation!.accuracy
        const inWindow = batch.epoch >= epochs - windowEpochs
        if (inWindow && (progress.best === null || score > progress.best.score)) {
          progress.best = {
            epoch: batch.epoch,
            score,
            validationAccuracy: validation?.accuracy ?? null,
            testAccuracy: test.accuracy,
          }
          saveTrainingState(bestPath, runId, { params, optimizer: null, engine }, progress)
        }
        progress.elapsedSeconds = (performance.now() - started) / 1000
        save()
        emitter.send({ type: 'phase', phase: 'training' })
      } else if (step % checkpointEvery === 0) {
        progress.elapsedSeconds = (performance.now() - started) / 1000
        save()
      }
      emitter.tick(step)
    }

    const finalEvaluation = {
      validation: validationStream ? await evaluate(spec, params, validationStream) : null,
      test: await evaluate(spec, params, testStream),
    }
    const result = await finishRun({
      config,
      spec,
      data,
      parts,
      bestPath: progress.best && existsSync(bestPath) ? bestPath : null,
      best: progress.best,
      final: finalEvaluation,
      testStream,
      runDir,
      emitter,
      durationSeconds: (performance.now() - started) / 1000,
      imagesSeen: progress.imagesSeen,
      selectOnTest,
    })
    emitter.send({ type: 'done', result })
    return 'completed'
  } finally {
    await closeStreams([trainStream, validationStream, testStream])
    engine.dispose()
    optimizer.dispose()
    for (const variable of params.values()) variable.dispose()
  }
}

async function closeStreams(list: readonly (BatchStream | null)[]): Promise<void> {
  await Promise.all(list.map((s) => s?.close()))
}
