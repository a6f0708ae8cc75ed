import { describe, expect, it } from 'vitest'
import { trainingFlops, TrainingFlopsMeter } from '../../../src/shared/chase/trainingFlops'

describe('training FLOPs (RigL convention: 3·f_S per step + f_D per update, ÷ 3·f_D per step)', () => {
  it('is 1 for a dense run with no updates', () => {
    const r = trainingFlops({
      totalSteps: 10,
      denseForwardMacs: 5,
      phases: [{ startStep: 1, sparseForwardMacs: 5 }],
      gradientPasses: [],
    })
    expect(r.ratio).toBe(1)
  })

  it('integrates piecewise-constant sparse costs and adds one dense pass per update', () => {
    // Steps 1–4 at 2, steps 5–10 at 1, one update at step 4 costing 10: (3·2·4 + 3·1·6 + 10) / (3·10·10).
    const r = trainingFlops({
      totalSteps: 10,
      denseForwardMacs: 10,
      phases: [
        { startStep: 1, sparseForwardMacs: 2 },
        { startStep: 5, sparseForwardMacs: 1 },
      ],
      gradientPasses: [{ step: 4, macs: 10 }],
    })
    expect(r.sparseTrainingMacs).toBe(24 + 18 + 10)
    expect(r.ratio).toBeCloseTo(52 / 300, 12)
  })

  it('ignores updates past the last step', () => {
    const r = trainingFlops({
      totalSteps: 2,
      denseForwardMacs: 1,
      phases: [{ startStep: 1, sparseForwardMacs: 1 }],
      gradientPasses: [{ step: 3, macs: 100 }],
    })
    expect(r.ratio).toBe(1)
  })

  it('the live meter gives the same sum step by step, and saves its state', () => {
    const meter = new TrainingFlopsMeter()
    for (let s = 1; s <= 4; s++) meter.addStep(2)
    meter.addGradientPass(10)
    for (let s = 5; s <= 10; s++) meter.addStep(1)
    expect(meter.ratio(10)).toBeCloseTo(52 / 300, 12)
    const copy = new TrainingFlopsMeter(meter.state().sparseMacs, meter.state().steps)
    expect(copy.ratio(10)).toBe(meter.ratio(10))
  })
})
