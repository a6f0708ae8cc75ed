import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../src/shared/api/apiError'
import { createWorkbenchClient, type WorkbenchTransport } from '../../../src/shared/api/client'
import { workbenchMethods } from '../../../src/shared/api/methods'

function transport(answer: unknown): WorkbenchTransport & { emit: (e: unknown) => void } {
  const listeners: ((e: unknown) => void)[] = []
  return {
    request: async () => answer,
    onEvent: (l) => {
      listeners.push(l)
      return () => listeners.splice(listeners.indexOf(l), 1)
    },
    emit: (e) => listeners.forEach((l) => l(e)),
  }
}

describe('WorkbenchClient', () => {
  it('returns a response that matches the contract', async () => {
    const client = createWorkbenchClient(transport({ concurrency: 2 }))
    expect(await client.call('system.setConcurrency', { concurrency: 2 })).toEqual({ concurrency: 2 })
  })

  it('rejects a response that breaks the contract', async () => {
    const client = createWorkbenchClient(transport({ runs: 'nope' }))
    await expect(client.call('runs.list', {})).rejects.toBeInstanceOf(ApiError)
  })

  it('delivers only well-formed push events, until unsubscribed', () => {
    const t = transport(null)
    const client = createWorkbenchClient(t)
    const seen: string[] = []
    const stop = client.onEvent((e) => seen.push(e.type))
    t.emit({ type: 'runDeleted', runId: 'r1' })
    t.emit({ type: 'runDeleted', runId: '../x' })
    t.emit({ type: 'unknown' })
    stop()
    t.emit({ type: 'runDeleted', runId: 'r2' })
    expect(seen).toEqual(['runDeleted'])
  })

  it('declares a request and a response schema for every method', () => {
    for (const [name, m] of Object.entries(workbenchMethods)) {
      expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/)
      expect(typeof m.request.safeParse).toBe('function')
      expect(typeof m.response.safeParse).toBe('function')
    }
  })
})
