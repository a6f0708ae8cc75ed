import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { selectChannelsToRemove, type SelectableGroup } from '../../../src/shared/chase/channelSelection'

const group = (
  name: string,
  scores: number[],
  floor: number,
  alive = scores.map(() => 1),
): SelectableGroup => ({
  name,
  scores,
  alive,
  floor,
})

describe('selectChannelsToRemove (decision 3: deterministic water-filling)', () => {
  it('takes the lowest scores across all groups', () => {
    const result = selectChannelsToRemove([group('a', [0.5, 0.1, 0.9], 0), group('b', [0.2, 0.05], 0)], 3)
    expect(result.removed).toEqual([[1], [0, 1]])
    expect(result.threshold).toBe(0.2)
    expect(result.shortfall).toBe(0)
  })

  it('skips a group at its floor and takes the next lowest elsewhere', () => {
    const result = selectChannelsToRemove([group('a', [0.1, 0.2, 0.3], 2), group('b', [0.5, 0.6], 0)], 2)
    expect(result.removed).toEqual([[0], [0]])
  })

  it('breaks ties by group order, then channel index', () => {
    const result = selectChannelsToRemove([group('a', [1, 0, 0], 0), group('b', [0, 0], 0)], 3)
    expect(result.removed).toEqual([[1, 2], [0]])
  })

  it('ignores channels already removed and ranks NaN scores last', () => {
    const result = selectChannelsToRemove([group('a', [0, 0.3, Number.NaN, 0.2], 0, [0, 1, 1, 1])], 2)
    expect(result.removed).toEqual([[1, 3]])
  })

  it('reports the shortfall when the floors make the count unreachable', () => {
    const result = selectChannelsToRemove([group('a', [0.1, 0.2], 1), group('b', [0.3], 1)], 3)
    expect(result.removed).toEqual([[0], []])
    expect(result.shortfall).toBe(2)
  })

  const groupsArb = fc.array(
    fc
      .array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.boolean()), { minLength: 1, maxLength: 12 })
      .chain((channels) =>
        fc.record({
          scores: fc.constant(channels.map(([s]) => s / 8)),
          alive: fc.constant(channels.map(([, a]) => (a ? 1 : 0))),
          floor: fc.integer({ min: 0, max: channels.length }),
        }),
      ),
    { minLength: 1, maxLength: 6 },
  )

  it('removes exactly min(count, room above the floors), never a dead channel, never below a floor, lowest first', () => {
    fc.assert(
      fc.property(groupsArb, fc.nat(40), (raw, count) => {
        const groups = raw.map((g, i) => group(`g${i}`, g.scores, g.floor, g.alive))
        const alive = groups.map((g) => g.alive as number[]).map((a) => a.reduce((x, y) => x + y, 0))
        const room = alive.reduce((sum, a, i) => sum + Math.max(0, a - groups[i]!.floor), 0)
        const { removed, threshold, shortfall } = selectChannelsToRemove(groups, count)
        const taken = removed.reduce((sum, r) => sum + r.length, 0)
        expect(taken).toBe(Math.min(count, room))
        expect(shortfall).toBe(count - taken)
        removed.forEach((list, g) => {
          for (const c of list) expect(groups[g]!.alive[c]).toBe(1)
          expect(alive[g]! - list.length).toBeGreaterThanOrEqual(Math.min(alive[g]!, groups[g]!.floor))
          // Every alive channel left in a group with room to spare scores at least the threshold.
          if (threshold !== null && alive[g]! - list.length > groups[g]!.floor && taken === count)
            Array.from(groups[g]!.scores).forEach((s, c) => {
              if (groups[g]!.alive[c] === 1 && !list.includes(c)) expect(s).toBeGreaterThanOrEqual(threshold)
            })
        })
        expect(selectChannelsToRemove(groups, count)).toEqual({ removed, threshold, shortfall })
      }),
      { numRuns: 300 },
    )
  })
})
