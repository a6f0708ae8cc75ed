import { describe, expect, it } from 'vitest'
import { snapshotPages } from '../../../src/shared/live/snapshotPages'

describe('snapshotPages', () => {
  it('covers every step once, newest first, the newest page open-ended', () => {
    const pages = snapshotPages(75_999, 1_000, 50)
    expect(pages).toHaveLength(20)
    expect(pages[0]!.toStep).toBeUndefined()
    expect(pages.at(-1)!.fromStep).toBe(0)
    for (let i = 1; i < pages.length; i++) expect(pages[i]!.toStep).toBe(pages[i - 1]!.fromStep - 1)
    expect(pages.every((p) => p.maxSnapshots === 50)).toBe(true)
  })

  it('reads a short run in one page and nothing for a nonsense step', () => {
    expect(snapshotPages(0, 1_000, 1_000)).toEqual([{ fromStep: 0, maxSnapshots: 1_000 }])
    expect(snapshotPages(Number.NaN, 1_000, 50)).toEqual([])
  })
})
