import { describe, expect, it } from 'vitest'
import { SnapshotPager, type SnapshotPage } from '../../../src/shared/live/snapshotPages'
import { evenlySpacedIndices } from '../../../src/main/host/downsample'

/** Pages a run with a snapshot every `interval` steps, answering each page as the host does (thinning). */
function walk(lastStep: number, interval: number, columns: number, perPage: number) {
  const pager = new SnapshotPager(lastStep, columns, perPage)
  const pages: SnapshotPage[] = []
  const received = new Set<number>()
  for (let page = pager.next(); page; page = pager.next()) {
    pages.push(page)
    const steps: number[] = []
    for (let s = interval; s <= (page.toStep ?? lastStep); s += interval)
      if (s >= page.fromStep) steps.push(s)
    const answer = evenlySpacedIndices(steps.length, page.maxSnapshots).map((i) => steps[i]!)
    answer.forEach((s) => received.add(s))
    pager.record(answer.length, steps.length)
    expect(pages.length).toBeLessThan(10_000)
  }
  return { pages, received }
}

const every = (lastStep: number, interval: number) =>
  Array.from({ length: Math.floor(lastStep / interval) }, (_, i) => (i + 1) * interval)

describe('SnapshotPager', () => {
  it('reads every snapshot of a run with fewer than `columns`, newest page first and open-ended', () => {
    for (const interval of [20, 100, 760]) {
      const { pages, received } = walk(75_999, interval, 5_000, 12)
      expect(pages[0]!.toStep).toBeUndefined()
      expect(pages.at(-1)!.fromStep).toBe(0)
      expect([...received].sort((a, b) => a - b)).toEqual(every(75_999, interval))
    }
  })

  it('reads each stored snapshot about once: a page is read again only when the host thinned it', () => {
    for (const interval of [20, 100, 760]) {
      const { pages } = walk(75_999, interval, 5_000, 40)
      const stored = every(75_999, interval).length
      expect(pages.length).toBeLessThanOrEqual(Math.ceil(stored / 40) * 1.5 + 3)
    }
  })

  it('asks for at most `perPage` snapshots a page', () => {
    const { pages } = walk(75_999, 100, 1_000, 12)
    expect(pages.every((p) => p.maxSnapshots === 12)).toBe(true)
  })

  it('keeps about `columns` snapshots of a denser history', () => {
    const { received } = walk(75_999, 10, 200, 12)
    expect(received.size).toBeGreaterThan(150)
    expect(received.size).toBeLessThanOrEqual(260)
  })

  it('reads nothing for a nonsense step', () => {
    expect(new SnapshotPager(Number.NaN, 1_000, 12).next()).toBeNull()
  })
})
