import { describe, expect, it } from 'vitest'
import { classifyExit } from '../../../src/main/host/exitReason'

describe('classifyExit', () => {
  it('names SIGKILL from outside as killed, mentioning the OOM killer', () => {
    const failure = classifyExit({ code: null, signal: 'SIGKILL' })
    expect(failure.reason).toBe('killed')
    expect(failure.message).toMatch(/out of memory/)
  })

  it('recognises V8 running out of heap from the stderr tail', () => {
    const failure = classifyExit({
      code: null,
      signal: 'SIGABRT',
      stderrTail: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    })
    expect(failure.reason).toBe('oom')
    expect(failure.message).toMatch(/lower optim.batchSize/)
  })

  it('trusts the platform’s reason (Electron child-process-gone) over the exit code', () => {
    expect(classifyExit({ code: 1, signal: null, reason: 'oom' }).reason).toBe('oom')
  })

  it('reports a crash with its exit code and the last stderr lines', () => {
    const failure = classifyExit({ code: 3, signal: null, stderrTail: 'line 1\nTypeError: boom' })
    expect(failure).toMatchObject({ reason: 'crashed', exitCode: 3 })
    expect(failure.message).toContain('exited with code 3')
    expect(failure.message).toContain('TypeError: boom')
  })

  it('reports a process that could not start', () => {
    expect(
      classifyExit({ code: null, signal: null, reason: 'launch-failed', error: 'ENOENT' }),
    ).toMatchObject({
      reason: 'launch-failed',
      message: 'The trainer process could not start: ENOENT',
    })
  })
})
