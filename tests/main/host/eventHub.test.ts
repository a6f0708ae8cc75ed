import { describe, expect, it } from 'vitest'
import type { PushEvent, RunId } from '../../../src/shared/api'
import { EventHub } from '../../../src/main/host/eventHub'

describe('EventHub', () => {
  it('numbers each run’s messages from 1, per run, and tells a subscriber where it starts', () => {
    const hub = new EventHub()
    const heard: PushEvent[] = []
    const client = hub.connect((event) => heard.push(event))
    const a = 'run-a' as RunId
    const b = 'run-b' as RunId
    hub.publishRunMessage(a, { type: 'heartbeat', step: 0, at: 0 })
    expect(hub.lastSeq(a)).toBe(1)
    client.subscribedRuns.add(a)
    client.subscribedRuns.add(b)
    hub.publishRunMessage(a, { type: 'heartbeat', step: 0, at: 0 })
    hub.publishRunMessage(b, { type: 'heartbeat', step: 0, at: 0 })
    hub.publishRunMessage(a, { type: 'heartbeat', step: 0, at: 0 })
    expect(heard.map((e) => (e.type === 'runMessage' ? `${e.runId}#${e.seq}` : e.type))).toEqual([
      'run-a#2',
      'run-b#1',
      'run-a#3',
    ])
    expect(hub.lastSeq('never')).toBe(0)
  })
})
