import { describe, expect, it } from 'vitest'
import { configDifferences, flattenSettings } from '../../../src/main/host/compareRuns'

describe('config differences', () => {
  it('flattens nested settings to dotted paths, arrays as one value', () => {
    expect([...flattenSettings({ a: { b: 1, c: [1, 2] }, d: 'x' })]).toEqual([
      ['a.b', '1'],
      ['a.c', '[1,2]'],
      ['d', '"x"'],
    ])
  })

  it('lists only the settings that differ, unset ones as null, and never the run name', () => {
    const diff = configDifferences([
      { name: 'a', optim: { lr: 0.1, epochs: 5 }, data: { trainLimit: 100 } },
      { name: 'b', optim: { lr: 0.05, epochs: 5 }, data: {} },
    ])
    expect(diff).toEqual([
      { path: 'data.trainLimit', values: ['100', null] },
      { path: 'optim.lr', values: ['0.1', '0.05'] },
    ])
  })

  it('treats key order as irrelevant', () => {
    expect(configDifferences([{ x: { a: 1, b: 2 } }, { x: { b: 2, a: 1 } }])).toEqual([])
  })
})
