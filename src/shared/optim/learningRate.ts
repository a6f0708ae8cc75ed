import type { ExperimentConfig } from '../config/experimentConfig'

/**
 * The learning rate for an epoch (0-based). The paper sets it by hand at epoch ends: ×0.1 after epoch
 * E/2 − 1 and ×0.01 after 3E/4 − 1 (spec §1.3), i.e. a milestone at fraction m applies from epoch
 * round(m·E) on. Cosine anneals per epoch to 0; constant keeps the initial rate.
 */
export function learningRateAt(epoch: number, optim: ExperimentConfig['optim']): number {
  switch (optim.lrSchedule) {
    case 'constant':
      return optim.lr
    case 'cosine':
      return (optim.lr * (1 + Math.cos((Math.PI * epoch) / optim.epochs))) / 2
    case 'step': {
      const passed = optim.lrMilestones.filter((m) => epoch >= Math.round(m * optim.epochs)).length
      return optim.lr * optim.lrDecay ** passed
    }
  }
}
