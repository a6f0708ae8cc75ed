import { describe, expect, it } from 'vitest'
import {
  explorationAt,
  explorationSteps,
  type ExplorationTiming,
} from '../../../src/shared/chase/explorationSchedule'

const paper: ExplorationTiming = {
  enabled: true,
  mode: 'soft-bound',
  finalPhase: 'classic-dst',
  updateIntervalSteps: 1000,
  softBoundEndStep: 65_000,
  totalSteps: 80_000,
}

describe('explorationAt (§1.2 item 6, §3.4)', () => {
  it('runs 64 soft-bound updates then 16 classic ones in the README run', () => {
    const steps = explorationSteps(paper)
    expect(steps.filter((u) => u.kind === 'soft-bound').map((u) => u.step)).toEqual(
      Array.from({ length: 64 }, (_, i) => (i + 1) * 1000),
    )
    expect(steps.filter((u) => u.kind === 'classic').map((u) => u.step)).toEqual(
      Array.from({ length: 16 }, (_, i) => 65_000 + i * 1000),
    )
  })

  it('updates only on multiples of ΔTp', () => {
    expect(explorationAt(1500, paper)).toBeNull()
    expect(explorationAt(2000, paper)).toBe('soft-bound')
  })

  it('freezes after T_d when the final phase is frozen', () => {
    expect(explorationAt(65_000, { ...paper, finalPhase: 'frozen' })).toBeNull()
  })

  it('runs classic DST before T_d in classic mode, and nothing in static mode or a dense run', () => {
    expect(explorationAt(1000, { ...paper, mode: 'classic' })).toBe('classic')
    expect(explorationAt(1000, { ...paper, mode: 'static' })).toBeNull()
    expect(explorationAt(1000, { ...paper, enabled: false })).toBeNull()
  })

  it('never updates past the last step', () => {
    expect(explorationAt(81_000, paper)).toBeNull()
  })
})
