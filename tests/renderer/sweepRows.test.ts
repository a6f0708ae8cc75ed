import { describe, expect, it } from 'vitest'
import type { SweepCellRecord } from '../../src/shared/api'
import { sweepRows } from '../../src/renderer/util/sweepRows'
import { parseRoute, routeHash } from '../../src/renderer/router/route'

const cell = (index: number, seed: number, sc: number, accuracy: number | null): SweepCellRecord =>
  ({
    index,
    values: { 'system.seed': seed, 'channels.sparsity': sc },
    runId: `r${index}`,
    status: accuracy === null ? 'running' : 'completed',
    step: null,
    totalSteps: null,
    result:
      accuracy === null
        ? null
        : {
            final: { testAccuracy: accuracy, validationAccuracy: null },
            flops: { gpuSupportedRatio: 1 - sc },
          },
    slurm: null,
  }) as unknown as SweepCellRecord

describe('sweepRows', () => {
  it('folds the seeds of a setting into one row with mean ± std of the finished runs', () => {
    const rows = sweepRows([
      cell(0, 41, 0, 0.8),
      cell(1, 41, 0.3, 0.7),
      cell(2, 42, 0, 0.9),
      cell(3, 42, 0.3, null),
    ])
    expect(rows.map((r) => r.label)).toEqual(['channels.sparsity=0', 'channels.sparsity=0.3'])
    expect(rows[0]!.cells.map((c) => c.index)).toEqual([0, 2])
    expect(rows[0]!.testAccuracy!.mean).toBeCloseTo(0.85)
    expect(rows[0]!.testAccuracy!.std).toBeCloseTo(Math.sqrt(0.005))
    // The running cell does not count until it has a result.
    expect(rows[1]!.testAccuracy).toEqual({ mean: 0.7, std: 0, count: 1 })
    expect(rows[1]!.gpuSupportedFlopsRatio!.mean).toBeCloseTo(0.7)
  })

  it('calls a sweep over seeds only "all seeds"', () => {
    expect(
      sweepRows([cell(0, 41, 0, 0.8)].map((c) => ({ ...c, values: { 'system.seed': 41 } })))[0]!.label,
    ).toBe('all seeds')
  })
})

describe('sweep routes', () => {
  it('links the sweeps list and one sweep', () => {
    expect(parseRoute('#/sweeps')).toEqual({ name: 'sweeps' })
    expect(parseRoute('#/sweeps/sweep-20261207-1')).toEqual({ name: 'sweep', id: 'sweep-20261207-1' })
    expect(routeHash({ name: 'sweep', id: 'sweep-a' })).toBe('#/sweeps/sweep-a')
    expect(parseRoute(routeHash({ name: 'sweeps' }))).toEqual({ name: 'sweeps' })
  })
})
