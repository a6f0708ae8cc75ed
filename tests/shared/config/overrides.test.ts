import { describe, expect, it } from 'vitest'
import { applyOverrides, parseOverride } from '../../../src/shared/config/overrides'
import { durationToSteps, parseDuration } from '../../../src/shared/config/duration'

describe('--set overrides', () => {
  it('reads JSON values and falls back to text', () => {
    expect(parseOverride('sparsity.density=0.05')).toEqual({ path: ['sparsity', 'density'], value: 0.05 })
    expect(parseOverride('channels.enabled=false').value).toBe(false)
    expect(parseOverride('optim.lrMilestones=[0.3,0.6]').value).toEqual([0.3, 0.6])
    expect(parseOverride('channels.end=130epochs').value).toBe('130epochs')
  })

  it('creates missing groups and leaves the input untouched', () => {
    const base = { model: { arch: 'vgg19' } }
    const result = applyOverrides(base, ['channels.sparsity=0.3', 'model.widthMultiplier=0.5'])
    expect(result).toEqual({ model: { arch: 'vgg19', widthMultiplier: 0.5 }, channels: { sparsity: 0.3 } })
    expect(base).toEqual({ model: { arch: 'vgg19' } })
  })

  it('removes a key given an empty value', () => {
    expect(applyOverrides({ data: { trainLimit: 10 } }, ['data.trainLimit='])).toEqual({ data: {} })
  })

  it('explains a missing equals sign', () => {
    expect(() => parseOverride('sparsity.density')).toThrow(/key=value/)
  })

  it('refuses to descend into a value', () => {
    expect(() => applyOverrides({ name: 'x' }, ['name.first=1'])).toThrow(/is a value/)
  })
})

describe('durations', () => {
  it.each([
    ['8000 steps', { value: 8000, unit: 'steps' }],
    ['130 epochs', { value: 130, unit: 'epochs' }],
    ['2e', { value: 2, unit: 'epochs' }],
    ['50%', { value: 0.5, unit: 'fraction' }],
    ['1000', { value: 1000, unit: 'steps' }],
  ])('parses %s', (text, expected) => {
    expect(parseDuration(text)).toEqual(expected)
  })

  it('rejects nonsense', () => {
    expect(parseDuration('soon')).toBeUndefined()
  })
})

describe('durations in steps', () => {
  it('never rounds a positive share of the run down to zero steps', () => {
    expect(durationToSteps({ value: 0.0125, unit: 'fraction' }, 10, 1)).toBe(1)
    expect(durationToSteps({ value: 0.01, unit: 'epochs' }, 10, 5)).toBe(1)
    expect(durationToSteps({ value: 0, unit: 'steps' }, 10, 5)).toBe(0)
    expect(durationToSteps({ value: 0.5, unit: 'epochs' }, 190, 5)).toBe(95)
  })
})
