import { existsSync } from 'node:fs'
import { checkBackendHealth } from '../backend/pickBackend'
import type { EventEmitter } from '../runtime/eventEmitter'
import { emitEngineMetrics } from './engineMetrics'
import { evaluate } from './evaluate'
import { finishRun } from './finishRun'
import type { RunControl } from './runControl'
import { setUpRun, tearDownRun, type TrainingRequest } from './runSetup'
import { trainingLoop } from './trainingLoop'

export type { TrainingRequest } from './runSetup'
export type TrainingOutcome = 'completed' | 'stopped'

/**
 * One whole run in this process, in three phases: set up (backend, data, model, resume), the Chase loop
 * with its per-epoch evaluation and checkpoints, then the end of training (best checkpoint, slimming, BN
 * recalibration, export).
 */
export async function runTraining(
  request: TrainingRequest,
  emitter: EventEmitter,
  control: RunControl,
): Promise<TrainingOutcome> {
  const setup = await setUpRun(request, emitter)
  const { spec, parts, streams, paths, progress } = setup
  if (progress.step === 0) {
    emitEngineMetrics(emitter, parts.engine, 0)
    emitter.send({ type: 'layerSnapshot', ...(await parts.engine.snapshot(0)) })
  }
  emitter.send({ type: 'phase', phase: 'training' })
  const started = performance.now() - progress.elapsedSeconds * 1000
  try {
    const outcome = await trainingLoop(setup, emitter, control, started)
    if (outcome.kind === 'stopped') return 'stopped'
    const { best, imagesSeen } = outcome.progress
    // The last epoch's evaluation is of the final weights; only a run resumed at its end has none.
    const final = outcome.last ?? {
      validation: streams.validation ? await evaluate(spec, parts.params, streams.validation) : null,
      test: await evaluate(spec, parts.params, streams.test),
    }
    const result = await finishRun({
      runId: request.runId,
      configHash: request.configHash,
      config: request.config,
      spec,
      data: setup.data,
      parts,
      bestPath: best && existsSync(paths.best) ? paths.best : null,
      best,
      final,
      testStream: streams.test,
      runDir: request.runDir,
      emitter,
      durationSeconds: (performance.now() - started) / 1000,
      imagesSeen,
      selectOnTest: setup.cadence.selectOnTest,
    })
    // Evaluation, slimming and the exports ran on the backend too: their figures must be sound.
    checkBackendHealth()
    emitter.send({ type: 'done', result })
    return 'completed'
  } finally {
    await tearDownRun(setup)
  }
}
