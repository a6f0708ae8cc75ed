import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../../src/shared/api'
import { queryRuns } from '../../../src/renderer/util/runColumns'
import { keysFor, metricChart, metricSplit } from '../../../src/renderer/charts/metricKeys'
import { fiveNumbers } from '../../../src/renderer/charts/benchCharts'

function run(id: string, over: Partial<RunSummary> = {}): RunSummary {
  return {
    id: id as RunSummary['id'],
    name: `run ${id}`,
    experiment: null,
    preset: 'quick-fashion-mnist',
    status: 'completed',
    backend: 'wasm',
    seed: 1,
    configHash: 'h',
    createdAt: 1000,
    startedAt: 1000,
    finishedAt: 2000,
    tags: [],
    notes: '',
    archived: false,
    progress: null,
    result: null,
    failure: null,
    lastCheckpointStep: null,
    setup: {
      model: 'cnn-small',
      widthMultiplier: 1,
      dataset: 'fashion-mnist',
      density: 0.1,
      channelSparsity: 0.5,
    },
    ...over,
  }
}
const query = {
  text: '',
  statuses: new Set<RunSummary['status']>(),
  tag: '',
  showArchived: false,
  sortBy: 'started',
  descending: true,
}

describe('runs table query', () => {
  const runs = [
    run('a', { startedAt: 3, tags: ['x'] }),
    run('b', {
      startedAt: 1,
      status: 'failed',
      setup: {
        model: 'vgg19',
        widthMultiplier: 0.25,
        dataset: 'cifar10',
        density: 0.05,
        channelSparsity: 0.3,
      },
    }),
    run('c', { startedAt: 2, archived: true }),
    run('d', { startedAt: null, createdAt: 0, status: 'queued' }),
  ]

  it('hides archived runs unless asked, newest first by default', () => {
    expect(queryRuns(runs, query, 0).map((r) => r.id)).toEqual(['a', 'b', 'd'])
    expect(queryRuns(runs, { ...query, showArchived: true }, 0).map((r) => r.id)).toEqual([
      'a',
      'c',
      'b',
      'd',
    ])
  })

  it('filters by text over name, id, model, dataset and tags, by status and by tag', () => {
    expect(queryRuns(runs, { ...query, text: 'VGG' }, 0).map((r) => r.id)).toEqual(['b'])
    expect(queryRuns(runs, { ...query, text: 'cifar10' }, 0).map((r) => r.id)).toEqual(['b'])
    expect(
      queryRuns(runs, { ...query, statuses: new Set(['failed', 'queued'] as const) }, 0).map((r) => r.id),
    ).toEqual(['b', 'd'])
    expect(queryRuns(runs, { ...query, tag: 'x' }, 0).map((r) => r.id)).toEqual(['a'])
  })

  it('sorts by a numeric column in both directions, missing values last', () => {
    const withAccuracy = runs.map((r, i) =>
      i === 3 ? r : { ...r, result: { best: { testAccuracy: [0.9, 0.7, 0.8][i]! } } as RunSummary['result'] },
    )
    expect(
      queryRuns(withAccuracy, { ...query, sortBy: 'best', descending: true }, 0).map((r) => r.id),
    ).toEqual(['a', 'b', 'd'])
    expect(
      queryRuns(withAccuracy, { ...query, sortBy: 'best', descending: false }, 0).map((r) => r.id),
    ).toEqual(['b', 'a', 'd'])
    expect(queryRuns(runs, { ...query, sortBy: 'sc', descending: false }, 0).map((r) => r.id)).toEqual([
      'b',
      'a',
      'd',
    ])
  })

  it('stays fast with thousands of runs', () => {
    const many = Array.from({ length: 5000 }, (_, i) => run(`r${i}`, { startedAt: i, name: `run ${i % 97}` }))
    const started = performance.now()
    for (let i = 0; i < 10; i++) queryRuns(many, { ...query, text: 'run 4', sortBy: 'name' }, 0)
    expect((performance.now() - started) / 10).toBeLessThan(50)
  })
})

describe('metric keys', () => {
  it('puts each series on its chart and orders train, validation, test', () => {
    expect(metricChart('train/loss')).toBe('loss')
    expect(metricChart('test/accuracy')).toBe('accuracy')
    expect(metricChart('lr')).toBe('lr')
    expect(metricChart('optim/learning_rate')).toBe('lr')
    expect(metricChart('density/global')).toBe('density')
    expect(metricChart('channels/sparsity')).toBe('channels')
    expect(metricSplit('val/accuracy')).toBe('validation')
    expect(keysFor(['test/loss', 'train/loss', 'val/loss', 'lr'], 'loss')).toEqual([
      'train/loss',
      'val/loss',
      'test/loss',
    ])
  })
})

describe('latency summaries', () => {
  it('gives min, quartiles, median and max with interpolation', () => {
    expect(fiveNumbers([4, 1, 3, 2, 5])).toEqual([1, 2, 3, 4, 5])
    expect(fiveNumbers([1, 2])).toEqual([1, 1.25, 1.5, 1.75, 2])
  })
})
