import { metricKeys } from '../../shared/metrics/metricKeys'
import type { EventEmitter } from '../runtime/eventEmitter'
import { evaluate, type Evaluation } from './evaluate'
import type { RunSetup } from './runSetup'
import { saveTrainingState, type TrainingProgress } from './trainingState'

export interface EpochEvaluation {
  readonly validation: Evaluation | null
  readonly test: Evaluation
}

/** Validation (when split off) and test passes on the current weights, reported at `step`. */
export async function evaluateEpoch(
  setup: RunSetup,
  emitter: EventEmitter,
  step: number,
  epoch: number,
): Promise<EpochEvaluation> {
  const { spec, parts, streams } = setup
  emitter.send({ type: 'phase', phase: 'evaluating', detail: `epoch ${epoch + 1}` })
  const validation = streams.validation ? await evaluate(spec, parts.params, streams.validation) : null
  const test = await evaluate(spec, parts.params, streams.test)
  if (validation) {
    emitter.metric(metricKeys.validationLoss, step, validation.loss)
    emitter.metric(metricKeys.validationAccuracy, step, validation.accuracy)
  }
  emitter.metric(metricKeys.testLoss, step, test.loss)
  emitter.metric(metricKeys.testAccuracy, step, test.accuracy)
  emitter.metric(metricKeys.epoch, step, epoch + 1)
  return { validation, test }
}

/**
 * Keeps the best epoch of the selection window (spec §5.1): when `epoch` is in the window and beats the
 * best so far, records it in `progress` and writes its weights and masks to the best checkpoint.
 */
export async function keepIfBest(
  setup: RunSetup,
  progress: TrainingProgress,
  epoch: number,
  evaluation: EpochEvaluation,
): Promise<void> {
  const { cadence, parts, paths, request } = setup
  const { validation, test } = evaluation
  const score = cadence.selectOnTest ? test.accuracy : validation!.accuracy
  const inWindow = epoch >= cadence.epochs - cadence.windowEpochs
  if (!inWindow || (progress.best !== null && score <= progress.best.score)) return
  progress.best = {
    epoch,
    score,
    validationAccuracy: validation?.accuracy ?? null,
    testAccuracy: test.accuracy,
  }
  await saveTrainingState(
    paths.best,
    request.runId,
    { params: parts.params, optimizer: null, engine: parts.engine },
    progress,
  )
}
