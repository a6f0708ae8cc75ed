import { describe, expect, it } from 'vitest'
import { benchLimits } from '../../../src/renderer/form/benchLimits'
import { BenchRequest } from '../../../src/shared/protocol/trainerMessages'

describe('the benchmark form limits', () => {
  it('are read from the request schema the host validates with', () => {
    expect(benchLimits).toEqual({
      batchSize: { min: 1, max: 4096 },
      warmup: { min: 0, max: 1000 },
      reps: { min: 1, max: 10_000 },
      channelSparsity: { min: 0, max: 0.99 },
    })
  })

  it('accept exactly what the schema accepts at the edges', () => {
    const { batchSize, reps } = benchLimits
    expect(BenchRequest.safeParse({ batchSizes: [batchSize.max], reps: reps.max }).success).toBe(true)
    expect(BenchRequest.safeParse({ batchSizes: [batchSize.max + 1] }).success).toBe(false)
    expect(BenchRequest.safeParse({ reps: reps.max + 1 }).success).toBe(false)
  })
})
