import type { ExperimentConfig } from '../config/experimentConfig'
import { durationToSteps } from '../config/duration'

export interface SelectionWindow {
  /** Whole epochs at the end of the run in which the best checkpoint is chosen (at least 1). */
  readonly epochs: number
  /** First epoch (0-based) whose end-of-epoch evaluation may be selected. */
  readonly startEpoch: number
  /** The window opens after this step (startEpoch × steps per epoch). */
  readonly startStep: number
}

/** The best-checkpoint window (the official "last stop_dst_epochs epochs"), rounded to whole epochs. */
export function selectionWindow(config: ExperimentConfig, stepsPerEpoch: number): SelectionWindow {
  const { epochs } = config.optim
  const windowSteps = durationToSteps(config.selection.window, stepsPerEpoch, epochs)
  const windowEpochs = Math.min(epochs, Math.max(1, Math.round(windowSteps / stepsPerEpoch)))
  const startEpoch = epochs - windowEpochs
  return { epochs: windowEpochs, startEpoch, startStep: startEpoch * stepsPerEpoch }
}
