import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  channelEventOffset,
  channelEventSteps,
  channelEventTargets,
  isChannelEventStep,
} from '../../../src/shared/chase/channelEvents'

const cubic = { sparsity: 0.5, endStep: 65_000, shape: 'cubic' as const }

describe('channel events (§1.2, §4.3, decision 9)', () => {
  it('puts the 8 VGG-19 events at 7500 … 63500 with the README alive targets', () => {
    const timing = {
      intervalSteps: 8000,
      offsetSteps: channelEventOffset(1000),
      endStep: 65_000,
      totalSteps: 80_000,
    }
    const events = channelEventTargets(timing, cubic, 4992)
    expect(events.map((e) => e.step)).toEqual([7500, 15500, 23500, 31500, 39500, 47500, 55500, 63500])
    expect(events.map((e) => e.targetAliveChannels)).toEqual([4224, 3598, 3146, 2838, 2647, 2545, 2504, 2496])
  })

  it('puts 65 ResNet-50 events at 500, 1500, …, 64500, the first at Sc 0.0114', () => {
    const timing = { intervalSteps: 1000, offsetSteps: 500, endStep: 65_000, totalSteps: 80_000 }
    const events = channelEventTargets(timing, cubic, 7552)
    expect(events).toHaveLength(65)
    expect(events[0]!.step).toBe(500)
    expect(events[0]!.targetChannelSparsity).toBeCloseTo(0.0114, 4)
    expect(events.at(-1)!.step).toBe(64_500)
  })

  it('uses ⌊ΔTp/2⌋ as the offset', () => {
    expect(channelEventOffset(1000)).toBe(500)
    expect(channelEventOffset(101)).toBe(50)
  })

  it('never schedules an event at or after T_c or past the last step', () => {
    const timing = { intervalSteps: 100, offsetSteps: 0, endStep: 300, totalSteps: 250 }
    expect(channelEventSteps(timing)).toEqual([100, 200])
  })

  it('lists exactly the steps isChannelEventStep accepts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 2000 }),
        (interval, offset, endStep, totalSteps) => {
          const timing = { intervalSteps: interval, offsetSteps: offset, endStep, totalSteps }
          const listed = channelEventSteps(timing)
          const brute: number[] = []
          for (let s = 1; s <= totalSteps; s++) if (isChannelEventStep(s, timing)) brute.push(s)
          expect(listed).toEqual(brute)
        },
      ),
    )
  })
})
