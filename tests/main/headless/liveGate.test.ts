import { afterEach, describe, expect, it } from 'vitest'
import type { PushEvent, RunId } from '../../../src/shared/api'
import { createLiveGate, type LiveGate } from '../../../src/main/headless/liveGate'

const runA = 'run-a' as RunId
const runB = 'run-b' as RunId
const message = (runId: RunId, seq: number): PushEvent => ({
  type: 'runMessage',
  runId,
  seq,
  message: { type: 'metrics', points: [{ key: 'train/loss', step: seq, value: 1 / seq }] },
})

const gates: LiveGate[] = []
afterEach(() => gates.splice(0).forEach((g) => g.close()))

function gateWith(buffered: { bytes: number }) {
  const sent: PushEvent[] = []
  const gate = createLiveGate({
    bufferedBytes: () => buffered.bytes,
    maxBufferedBytes: 1_000,
    pollMs: 5,
    send: (event) => sent.push(event),
  })
  gates.push(gate)
  return { gate, sent }
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(check()).toBe(true)
}

describe('live gate', () => {
  it('passes every message through while the connection keeps up', () => {
    const { gate, sent } = gateWith({ bytes: 0 })
    for (let seq = 1; seq <= 5; seq++) gate.offer(message(runA, seq))
    expect(sent.map((e) => (e.type === 'runMessage' ? e.seq : -1))).toEqual([1, 2, 3, 4, 5])
  })

  it('holds a slow client back and then names exactly the held range per run, before anything newer', async () => {
    const buffered = { bytes: 5_000 }
    const { gate, sent } = gateWith(buffered)
    gate.offer(message(runA, 1))
    gate.offer(message(runA, 2))
    gate.offer(message(runB, 7))
    gate.offer({ type: 'runDeleted', runId: 'other' as RunId })
    // Still slow: nothing of the runs goes out, the other event does.
    await new Promise((r) => setTimeout(r, 30))
    expect(sent.map((e) => e.type)).toEqual(['runDeleted'])
    // Drained below half the limit: gaps first; messages offered while held are part of the gap.
    buffered.bytes = 600
    gate.offer(message(runA, 3))
    expect(sent).toHaveLength(1)
    buffered.bytes = 400
    await until(() => sent.length === 3)
    expect(sent.slice(1)).toEqual([
      { type: 'runGap', runId: runA, fromSeq: 1, toSeq: 3 },
      { type: 'runGap', runId: runB, fromSeq: 7, toSeq: 7 },
    ])
    gate.offer(message(runA, 4))
    expect(sent[3]).toMatchObject({ type: 'runMessage', runId: runA, seq: 4 })
  })

  it('forgets held ranges when the connection closes', async () => {
    const buffered = { bytes: 5_000 }
    const { gate, sent } = gateWith(buffered)
    gate.offer(message(runA, 1))
    gate.close()
    buffered.bytes = 0
    await new Promise((r) => setTimeout(r, 30))
    expect(sent).toEqual([])
  })
})
