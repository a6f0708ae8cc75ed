import { durationToSteps, type Duration } from '../../shared/config/duration'
import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import { selectionWindow } from '../../shared/chase/selectionWindow'

/** How often the loop logs, snapshots and checkpoints, and how the best checkpoint is chosen. */
export interface RunCadence {
  readonly stepsPerEpoch: number
  readonly epochs: number
  readonly totalSteps: number
  readonly logEvery: number
  readonly snapshotEvery: number
  readonly checkpointEvery: number
  /** The last this many epochs compete for the best checkpoint. */
  readonly windowEpochs: number
  /** Select on test accuracy (asked for, or no validation split). */
  readonly selectOnTest: boolean
}

export function cadenceOf(
  config: ExperimentConfig,
  stepsPerEpoch: number,
  hasValidation: boolean,
): RunCadence {
  const epochs = config.optim.epochs
  const steps = (duration: Duration): number => Math.max(1, durationToSteps(duration, stepsPerEpoch, epochs))
  return {
    stepsPerEpoch,
    epochs,
    totalSteps: stepsPerEpoch * epochs,
    logEvery: config.system.logInterval,
    snapshotEvery: steps(config.system.snapshotInterval),
    checkpointEvery: steps(config.system.checkpointInterval),
    windowEpochs: selectionWindow(config, stepsPerEpoch).epochs,
    selectOnTest: config.selection.checkpointOn === 'test' || !hasValidation,
  }
}
