import { describe, expect, it } from 'vitest'
import { wrapList } from '../../../src/main/headless/table'

describe('wrapList', () => {
  it('wraps a long list at the width, indenting the lines after the first', () => {
    const steps = Array.from({ length: 160 }, (_, i) => String((i + 1) * 475))
    const text = wrapList(steps, 40, '   ')
    const lines = text.split('\n')
    expect(lines.length).toBeGreaterThan(20)
    expect(lines.every((l) => l.length <= 43)).toBe(true)
    expect(lines.slice(1).every((l) => l.startsWith('   '))).toBe(true)
    expect(text.replace(/\n {3}/g, ' ').split(', ')).toEqual(steps)
  })

  it('keeps a short list on one line', () => {
    expect(wrapList(['100', '200'], 80, '  ')).toBe('100, 200')
    expect(wrapList([], 80, '  ')).toBe('')
  })
})
