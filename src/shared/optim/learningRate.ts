import type { ExperimentConfig } from '../config/experimentConfig'

/**
 * The first epoch (0-based) a step-schedule milestone at fraction `m` of `epochs` applies to. The official
 * code decays after epoch int(E/2) − 1 and int(3E/4) − 1 (spec §1.3), so the new rate starts at ⌊m·E⌋:
 * E = 160 → 80, 120; E = 15 → 7, 11; E = 5 → 2, 3. A decay happens at an epoch's end, so none starts
 * at epoch 0 (the official E = 1 never decays). The epsilon keeps 0.29·100 = 28.999… at 29.
 */
export function lrMilestoneEpoch(milestone: number, epochs: number): number {
  return Math.max(1, Math.floor(milestone * epochs + 1e-9))
}

/**
 * The learning rate for an epoch (0-based): the step schedule multiplies by `lrDecay` from each
 * milestone's epoch on (the official rule above); cosine anneals per epoch to 0; constant keeps it.
 */
export function learningRateAt(epoch: number, optim: ExperimentConfig['optim']): number {
  switch (optim.lrSchedule) {
    case 'constant':
      return optim.lr
    case 'cosine':
      return (optim.lr * (1 + Math.cos((Math.PI * epoch) / optim.epochs))) / 2
    case 'step': {
      const passed = optim.lrMilestones.filter((m) => epoch >= lrMilestoneEpoch(m, optim.epochs)).length
      return optim.lr * optim.lrDecay ** passed
    }
  }
}

/**
 * The steps after which the step schedule's rate changes: milestone epoch × steps per epoch, i.e. the
 * last step trained at the old rate (empty for cosine and constant, which have no milestones).
 */
export function lrMilestoneSteps(optim: ExperimentConfig['optim'], stepsPerEpoch: number): number[] {
  if (optim.lrSchedule !== 'step') return []
  return optim.lrMilestones.map((m) => lrMilestoneEpoch(m, optim.epochs) * stepsPerEpoch)
}
