import { describe, expect, it } from 'vitest'
import { formatNumber } from '../../../src/renderer/util/format'

describe('formatNumber', () => {
  it('groups thousands and keeps at most the asked fraction digits', () => {
    expect(formatNumber(1234567)).toBe('1,234,567')
    expect(formatNumber(1234.5678)).toBe('1,234.57')
    expect(formatNumber(1234.5678, 3)).toBe('1,234.568')
  })

  it('gives numbers below one a digit more, and tiny or huge ones an exponent', () => {
    expect(formatNumber(0.123456)).toBe('0.123')
    expect(formatNumber(0.123456, 3)).toBe('0.1235')
    expect(formatNumber(0.00001234)).toBe('1.2e-5')
    expect(formatNumber(12345678.9)).toBe('1.2e+7')
  })

  it('shows a dash for no value', () => {
    expect(formatNumber(null)).toBe('—')
    expect(formatNumber(Number.NaN)).toBe('—')
  })
})
