import { describe, expect, it } from 'vitest'
import {
  BinaryFrameError,
  BinaryReplyAssembler,
  decodeBinaryFrame,
  encodeBinaryFrames,
  jsonWithBase64,
} from '../../../src/shared/api/binaryFrames'

const frame = () => ({
  type: 'response',
  id: 7,
  ok: true,
  result: {
    snapshots: [
      {
        step: 100,
        density: Float32Array.from([0.25, 0.5, 1]),
        umm: Uint16Array.from([0, 65_535, 3]),
        alive: Uint8Array.from([1, 0, 1]),
      },
      { step: 200, density: new Float32Array(0), umm: Uint16Array.from([9]), alive: Uint8Array.from([1]) },
    ],
  },
})

/** Decodes and assembles every message of one reply. */
function receive(messages: Uint8Array[]): unknown {
  const first = decodeBinaryFrame(messages[0]!)
  const assembler = new BinaryReplyAssembler(first.header.parts)
  assembler.add(first)
  for (const message of messages.slice(1)) assembler.add(decodeBinaryFrame(message))
  expect(assembler.done).toBe(true)
  return assembler.complete()
}

describe('binary frames', () => {
  it('round-trips a frame with typed arrays, as views on the message without copying', () => {
    const messages = encodeBinaryFrames(7, frame())
    expect(messages).toHaveLength(1)
    const back = receive(messages) as ReturnType<typeof frame>
    expect(back).toEqual(frame())
    const density = back.result.snapshots[0]!.density
    expect(density).toBeInstanceOf(Float32Array)
    // A view on the received message's own bytes, aligned for its type.
    expect(density.buffer).toBe(messages[0]!.buffer)
    expect(density.byteOffset % 8).toBe(0)
    expect(back.result.snapshots[0]!.umm).toBeInstanceOf(Uint16Array)
  })

  it('splits a large reply into parts of about the asked size and puts it back together', () => {
    const big = {
      id: 'x',
      result: Array.from({ length: 10 }, (_, i) => Float32Array.from({ length: 1000 }, (_, k) => i * k)),
    }
    const messages = encodeBinaryFrames('x', big, { partBytes: 8_000 })
    expect(messages.length).toBe(5)
    for (const m of messages) expect(m.byteLength).toBeLessThan(8_000 + 1_000)
    expect(receive(messages)).toEqual(big)
  })

  it('reads a message that sits at an odd offset of a larger buffer (as Node may hand it)', () => {
    const [message] = encodeBinaryFrames(7, frame())
    const padded = new Uint8Array(message!.byteLength + 3)
    padded.set(message!, 3)
    expect(receive([padded.subarray(3)])).toEqual(frame())
  })

  it('rejects a broken header with a message that says what is wrong', () => {
    const [message] = encodeBinaryFrames(7, frame())
    const cases: [string, (m: Uint8Array) => Uint8Array, RegExp][] = [
      ['short', () => new Uint8Array(5), /shorter than its prefix/],
      ['magic', (m) => (m.set([0, 0, 0, 0], 0), m), /magic/],
      ['header length', (m) => (new DataView(m.buffer).setUint32(4, 2 ** 30, true), m), /header/],
      ['not json', (m) => (m.fill(0x7b, 8, 16), m), /not UTF-8 JSON/],
      ['past the end', (m) => m.slice(0, m.byteLength - 4), /runs past/],
    ]
    for (const [, breakIt, error] of cases) {
      const broken = breakIt(message!.slice())
      expect(() => decodeBinaryFrame(broken)).toThrow(BinaryFrameError)
      expect(() => decodeBinaryFrame(broken)).toThrow(error)
    }
  })

  it('rejects parts out of order and markers naming an attachment never sent', () => {
    const messages = encodeBinaryFrames(
      'x',
      { a: new Float32Array(2000), b: new Float32Array(2000) },
      {
        partBytes: 8_000,
      },
    )
    expect(messages).toHaveLength(2)
    const assembler = new BinaryReplyAssembler(2)
    expect(() => assembler.add(decodeBinaryFrame(messages[1]!))).toThrow(/arrived after 0 of 2/)
    const lonely = new BinaryReplyAssembler(1)
    const [only] = encodeBinaryFrames('y', { a: { $attachment: 3 } })
    lonely.add(decodeBinaryFrame(only!))
    expect(() => lonely.complete()).toThrow(/attachment 3, not sent/)
  })

  it('writes typed arrays as base64 for a client that reads JSON only', () => {
    const json = jsonWithBase64(frame(), (bytes) => Buffer.from(bytes).toString('base64'))
    const parsed = JSON.parse(json) as { result: { snapshots: { umm: string }[] } }
    expect(Buffer.from(parsed.result.snapshots[0]!.umm, 'base64')).toEqual(
      Buffer.from(Uint16Array.from([0, 65_535, 3]).buffer),
    )
  })
})
