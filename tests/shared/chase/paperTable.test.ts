import { describe, expect, it } from 'vitest'
import { paperTable, paperTableMarkdown, type PaperTableRun } from '../../../src/shared/chase/paperTable'

const run = (group: string, method: PaperTableRun['method'], accuracy: number, gpu = 1): PaperTableRun => ({
  group,
  method,
  accuracy,
  trainingFlopsRatio: method === 'dense' ? 1 : 0.2,
  testFlopsRatio: method === 'dense' ? 1 : 0.1,
  gpuSupportedFlopsRatio: gpu,
})

describe('paperTable', () => {
  const rows = paperTable([
    run('c', 'chase', 0.9, 0.5),
    run('d', 'dense', 0.93),
    run('c', 'chase', 0.92, 0.52),
    run('r', 'rigl-global', 0.88),
    run('d', 'dense', 0.95),
    run('x', null, 0.5),
  ])

  it('gives one row per group in the paper order, unknown groups last', () => {
    expect(rows.map((r) => r.label)).toEqual(['Dense', 'RigL (global)', 'Chase', 'x'])
  })

  it('averages the seeds as mean ± sample std', () => {
    const chase = rows.find((r) => r.method === 'chase')!
    expect(chase.seeds).toBe(2)
    expect(chase.accuracy!.mean).toBeCloseTo(0.91, 12)
    expect(chase.accuracy!.std).toBeCloseTo(Math.SQRT2 * 0.01, 12)
    expect(chase.gpuSupportedFlops!.mean).toBeCloseTo(0.51, 12)
  })

  it('states the gap to the dense row in accuracy', () => {
    expect(rows.find((r) => r.method === 'chase')!.accuracyGapToDense).toBeCloseTo(-0.03, 12)
    expect(rows.find((r) => r.method === 'dense')!.accuracyGapToDense).toBeNull()
  })

  it('writes a Markdown table with one line per row', () => {
    const text = paperTableMarkdown(rows)
    expect(text).toContain('| Chase | 2 | 91.00 ± 1.41 | -3.00 | 0.20× | 0.10× | 0.51× |')
    expect(text.trim().split('\n')).toHaveLength(2 + rows.length)
  })

  it('names the setting when one method fills two rows, so no two rows share a label', () => {
    const twice = paperTable([
      run('base a', 'chase', 0.9),
      run('base b', 'chase', 0.8),
      run('d', 'dense', 0.95),
    ])
    expect(twice.map((r) => r.label)).toEqual(['Dense', 'Chase (base a)', 'Chase (base b)'])
  })
})
