import { describe, expect, it } from 'vitest'
import { RunSeqTracker } from '../../../src/shared/live/runSeqTracker'

describe('RunSeqTracker', () => {
  it('accepts the next number, skips old ones and reports a jump as a gap', () => {
    const tracker = new RunSeqTracker(10)
    expect(tracker.observe(11)).toBe('next')
    expect(tracker.observe(11)).toBe('stale')
    expect(tracker.observe(9)).toBe('stale')
    expect(tracker.observe(14)).toBe('gap')
    expect(tracker.lastSeq).toBe(14)
    expect(tracker.observe(15)).toBe('next')
  })

  it('counts on after a range the host held back', () => {
    const tracker = new RunSeqTracker(3)
    tracker.skipThrough(8)
    expect(tracker.observe(8)).toBe('stale')
    expect(tracker.observe(9)).toBe('next')
    tracker.skipThrough(2)
    expect(tracker.lastSeq).toBe(9)
  })
})
