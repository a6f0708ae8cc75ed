import * as tf from '@tensorflow/tfjs-core'
import { checkBackendHealth } from '../backend/pickBackend'
import { metricKeys } from '../../shared/metrics/metricKeys'
import { learningRateAt } from '../../shared/optim/learningRate'
import type { EventEmitter } from '../runtime/eventEmitter'
import { emitEngineMetrics } from './engineMetrics'
import { evaluateEpoch, keepIfBest, type EpochEvaluation } from './epochEvaluation'
import type { RunControl } from './runControl'
import type { RunSetup } from './runSetup'
import { saveTrainingState, type TrainingProgress } from './trainingState'

export type LoopOutcome =
  | { readonly kind: 'stopped' }
  /** `last` is the last epoch's evaluation, null when a resumed run had no step left to take. */
  | { readonly kind: 'completed'; readonly progress: TrainingProgress; readonly last: EpochEvaluation | null }

/** Training images per second over windows of about a second. */
class RateMeter {
  private images = 0
  private since = performance.now()
  imagesPerSecond = 0

  add(images: number): void {
    this.images += images
    const now = performance.now()
    if (now - this.since > 1000) {
      this.imagesPerSecond = (this.images * 1000) / (now - this.since)
      this.images = 0
      this.since = now
    }
  }
}

/**
 * Steps from the setup's progress to the last step: pause and stop at step boundaries, metrics every
 * `logEvery` steps, snapshots, an evaluation and checkpoint at each epoch's end, and periodic checkpoints.
 * `started` is the run's clock origin (performance.now() less the time resumed runs already trained).
 */
export async function trainingLoop(
  setup: RunSetup,
  emitter: EventEmitter,
  control: RunControl,
  started: number,
): Promise<LoopOutcome> {
  const { request, parts, trainStep, cadence, streams, paths } = setup
  const { optimizer, engine } = parts
  const { config } = request
  let progress = setup.progress
  let last: EpochEvaluation | null = null
  const save = async (): Promise<void> => {
    progress.elapsedSeconds = (performance.now() - started) / 1000
    const window = { loss: windowLoss, correct: windowCorrect, images: windowImages }
    const bytes = await saveTrainingState(
      paths.checkpoint,
      request.runId,
      parts,
      { ...progress, window },
      { keepPrevious: true },
    )
    emitter.send({
      type: 'checkpoint',
      step: progress.step,
      epoch: progress.epochsCompleted,
      path: paths.checkpoint,
      bytes,
    })
  }
  let windowLoss = progress.window?.loss ?? 0
  let windowCorrect = progress.window?.correct ?? 0
  let windowImages = progress.window?.images ?? 0
  const rate = new RateMeter()

  while (progress.step < cadence.totalSteps) {
    const decision = await control.boundary(
      () => emitter.send({ type: 'phase', phase: 'paused' }),
      () => emitter.send({ type: 'phase', phase: 'training' }),
    )
    if (decision === 'stop') {
      emitter.send({ type: 'phase', phase: 'stopping' })
      await save()
      return { kind: 'stopped' }
    }

    const batch = await streams.train.next()
    const step = progress.step + 1
    optimizer.learningRate = learningRateAt(batch.epoch, config.optim)
    const { loss, correct, grads } = await trainStep.run(batch)
    optimizer.step(grads)
    const { channelEvent, maskUpdate } = await engine.onStep(step, grads)
    tf.dispose([...grads.values()])
    checkBackendHealth()
    if (channelEvent) emitter.send({ type: 'channelEvent', ...channelEvent })
    if (maskUpdate) emitter.send({ type: 'maskUpdate', ...maskUpdate })

    progress = { ...progress, step, stream: batch.state, imagesSeen: progress.imagesSeen + batch.size }
    windowLoss += loss * batch.size
    windowCorrect += correct
    windowImages += batch.size

    if (step % cadence.logEvery === 0 || batch.lastInEpoch) {
      emitter.metric(metricKeys.trainLoss, step, windowLoss / windowImages)
      emitter.metric(metricKeys.trainAccuracy, step, windowCorrect / windowImages)
      emitter.metric(metricKeys.learningRate, step, optimizer.learningRate)
      emitEngineMetrics(emitter, engine, step)
      windowLoss = windowCorrect = windowImages = 0
    }
    if (channelEvent || maskUpdate) emitEngineMetrics(emitter, engine, step)
    if (step % cadence.snapshotEvery === 0 || channelEvent)
      emitter.send({ type: 'layerSnapshot', ...(await engine.snapshot(step)) })

    rate.add(batch.size)
    const { imagesPerSecond } = rate
    emitter.progress({
      step,
      totalSteps: cadence.totalSteps,
      epoch: batch.epoch,
      epochs: cadence.epochs,
      imagesPerSecond,
      etaSeconds:
        imagesPerSecond > 0 ? ((cadence.totalSteps - step) * config.optim.batchSize) / imagesPerSecond : null,
    })

    if (batch.lastInEpoch) {
      progress.epochsCompleted = batch.epoch + 1
      last = await evaluateEpoch(setup, emitter, step, batch.epoch)
      await keepIfBest(setup, progress, batch.epoch, last)
      await save()
      emitter.send({ type: 'phase', phase: 'training' })
    } else if (step % cadence.checkpointEvery === 0) {
      await save()
    }
    emitter.tick(step)
  }
  return { kind: 'completed', progress, last }
}
