import { describe, expect, it } from 'vitest'
import { failedLaunch } from '../../../src/main/host/failedLaunch'
import type { TrainerExit } from '../../../src/main/host/trainerLauncher'

describe('failedLaunch', () => {
  it('reports one launch-failed exit to listeners attached before and after it happened', async () => {
    const child = failedLaunch('no Node.js')
    const early: TrainerExit[] = []
    child.onExit((exit) => early.push(exit))
    expect(early).toEqual([]) // not synchronously: the caller attaches its listeners first
    await Promise.resolve()
    const late: TrainerExit[] = []
    child.onExit((exit) => late.push(exit))
    const expected = { code: null, signal: null, reason: 'launch-failed', error: 'no Node.js' }
    expect(early).toEqual([expected])
    expect(late).toEqual([expected])
    expect(child.pid).toBeUndefined()
  })
})
