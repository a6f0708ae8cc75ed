import { describe, expect, it } from 'vitest'
import { OptimConfig } from '../../../src/shared/config/experimentConfig'
import { learningRateAt, lrMilestoneEpoch, lrMilestoneSteps } from '../../../src/shared/optim/learningRate'

const stepOptim = (epochs: number) => OptimConfig.parse({ epochs, lr: 0.1, lrSchedule: 'step' })

/** The official loop: `if epoch == int(E/2) - 1: lr = 0.1·lr0`, `if epoch == int(3E/4) - 1: lr = 0.01·lr0`. */
function officialRates(epochs: number): number[] {
  const rates: number[] = []
  let lr = 0.1
  for (let epoch = 0; epoch < epochs; epoch++) {
    rates.push(lr)
    if (epoch === Math.trunc(epochs / 2) - 1) lr = 0.1 * 0.1
    if (epoch === Math.trunc((3 * epochs) / 4) - 1) lr = 0.01 * 0.1
  }
  return rates
}

describe('the step LR schedule follows the official milestone rule', () => {
  it.each([
    [5, 2, 3],
    [15, 7, 11],
    [160, 80, 120],
  ])('E = %i decays from epochs %i and %i', (epochs, first, second) => {
    expect(lrMilestoneEpoch(0.5, epochs)).toBe(first)
    expect(lrMilestoneEpoch(0.75, epochs)).toBe(second)
    const ours = Array.from({ length: epochs }, (_, e) => learningRateAt(e, stepOptim(epochs)))
    officialRates(epochs).forEach((rate, epoch) =>
      expect(ours[epoch], `epoch ${epoch}`).toBeCloseTo(rate, 12),
    )
  })

  it('matches the official loop for every E from 1 to 200', () => {
    for (let epochs = 1; epochs <= 200; epochs++) {
      const official = officialRates(epochs)
      for (let epoch = 0; epoch < epochs; epoch++)
        expect(learningRateAt(epoch, stepOptim(epochs)), `E=${epochs} epoch ${epoch}`).toBeCloseTo(
          official[epoch]!,
          12,
        )
    }
  })

  it('does not round a milestone down by floating error (0.29 · 100 = 29)', () => {
    expect(lrMilestoneEpoch(0.29, 100)).toBe(29)
  })

  it('gives the milestone steps as epoch × steps per epoch', () => {
    expect(lrMilestoneSteps(stepOptim(160), 475)).toEqual([38_000, 57_000])
    expect(lrMilestoneSteps(stepOptim(15), 100)).toEqual([700, 1100])
    expect(lrMilestoneSteps(OptimConfig.parse({ lrSchedule: 'cosine' }), 100)).toEqual([])
  })
})
