import { describe, expect, it } from 'vitest'
import { presetConfig } from '../../../src/shared/config/presets'
import { axisCombinations, cellLabel, expandSweep } from '../../../src/shared/sweep/expandSweep'
import { SweepSpec } from '../../../src/shared/sweep/sweepSpec'

const base = presetConfig('quick-fashion-mnist')

describe('expandSweep', () => {
  it('expands a grid with the first axis varying slowest, each cell its own valid config', () => {
    const result = expandSweep(
      base,
      [
        { path: 'system.seed', values: [41, 42] },
        { path: 'channels.sparsity', values: [0, 0.3, 0.5] },
      ],
      'grid',
    )
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.cells.map((c) => [c.config.system.seed, c.config.channels.sparsity])).toEqual([
      [41, 0],
      [41, 0.3],
      [41, 0.5],
      [42, 0],
      [42, 0.3],
      [42, 0.5],
    ])
    expect(result.cells.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5])
    expect(result.totalSteps).toBe(result.cells.reduce((n, c) => n + c.totalSteps, 0))
    expect(result.cells[0]!.totalSteps).toBeGreaterThan(0)
    // More channel sparsity, fewer GPU-supported FLOPs.
    expect(result.cells[2]!.gpuSupportedRatio).toBeLessThan(result.cells[0]!.gpuSupportedRatio)
  })

  it('zips equal-length axes position by position', () => {
    expect(
      axisCombinations(
        [
          { path: 'a', values: [1, 2] },
          { path: 'b', values: ['x', 'y'] },
        ],
        'zip',
      ),
    ).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ])
  })

  it('refuses the whole sweep with every wrong cell and field before anything starts', () => {
    const result = expandSweep(
      base,
      [
        { path: 'system.seed', values: [41, 42] },
        { path: 'sparsity.density', values: [0.1, 7] },
      ],
      'grid',
    )
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.map((p) => p.cell)).toEqual([1, 3])
    expect(result.problems.every((p) => p.path === 'sparsity.density')).toBe(true)
    expect(result.problems[0]!.values).toEqual({ 'system.seed': 41, 'sparsity.density': 7 })
  })

  it('refuses an axis on a path the config does not have', () => {
    const result = expandSweep(base, [{ path: 'channels.sparsty', values: [0.3] }], 'grid')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.problems[0]!.message).toMatch(/sparsty/)
  })

  it('refuses duplicate axes, repeated values and zipped axes of different lengths', () => {
    const dup = expandSweep(
      base,
      [
        { path: 'system.seed', values: [1, 1] },
        { path: 'system.seed', values: [2] },
      ],
      'grid',
    )
    expect(dup.ok).toBe(false)
    if (!dup.ok) expect(dup.problems.map((p) => p.message).join(' ')).toMatch(/varied twice.*|value twice/)
    const zip = expandSweep(
      base,
      [
        { path: 'system.seed', values: [1, 2] },
        { path: 'channels.sparsity', values: [0.3] },
      ],
      'zip',
    )
    expect(zip.ok).toBe(false)
    if (!zip.ok) expect(zip.problems[0]!.message).toMatch(/same number of values/)
  })

  it('refuses a grid larger than the cell limit', () => {
    const values = Array.from({ length: 30 }, (_, i) => i)
    const result = expandSweep(
      base,
      [
        { path: 'system.seed', values },
        { path: 'optim.batchSize', values: values.map((v) => v + 1) },
      ],
      'grid',
    )
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.problems[0]!.message).toMatch(/900 cells/)
  })

  it('names a cell by its axis values', () => {
    expect(cellLabel({ 'system.seed': 41, 'channels.sparsity': 0.3 })).toBe(
      'system.seed=41, channels.sparsity=0.3',
    )
  })

  it('takes a spec with defaults: grid, local executor', () => {
    const spec = SweepSpec.parse({ base, axes: [{ path: 'system.seed', values: [1] }] })
    expect(spec.combine).toBe('grid')
    expect(spec.executor).toBe('local')
    expect(SweepSpec.safeParse({ base, axes: [{ path: 'system..seed', values: [1] }] }).success).toBe(false)
    expect(SweepSpec.safeParse({ base, axes: [] }).success).toBe(false)
  })
})
