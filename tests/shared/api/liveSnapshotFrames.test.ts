import { describe, expect, it } from 'vitest'
import { BinaryReplyAssembler, decodeBinaryFrame } from '../../../src/shared/api/binaryFrames'
import {
  encodeLiveSnapshot,
  liveEventId,
  liveSnapshotFromFrame,
} from '../../../src/shared/api/liveSnapshotFrames'
import { PushEvent } from '../../../src/shared/api/pushEvents'

/** A live snapshot as the host pushes it: f32-exact UMM, density as JS doubles (nnz / size). */
function snapshotEvent(channels: number, seq = 12): PushEvent {
  const layer = (group: string, width: number) => ({
    group,
    density: Array.from({ length: width }, (_, c) => (c % 3 === 0 ? 0 : (c + 1) / 27)),
    umm: Array.from(Float32Array.from({ length: width }, (_, c) => Math.sin(c) * 0.5 + 0.5)),
    alive: Array.from({ length: width }, (_, c) => (c % 3 === 0 ? 0 : 1)),
  })
  return PushEvent.parse({
    type: 'runMessage',
    runId: '20260101-000000-abcdef',
    seq,
    message: {
      type: 'layerSnapshot',
      step: 300,
      layers: [layer('features.0', channels), layer('features.3', channels * 2)],
      densities: [{ tensor: 'features.0.weight', nnz: 10, size: 27, aliveSize: 20 }],
    },
  })
}

/** What a client assembles from the messages, through the checks it applies. */
function receive(messages: Uint8Array[]) {
  const first = decodeBinaryFrame(messages[0]!)
  expect(first.header.id).toBe(liveEventId)
  const assembler = new BinaryReplyAssembler(first.header.parts)
  assembler.add(first)
  for (const message of messages.slice(1)) assembler.add(decodeBinaryFrame(message))
  return liveSnapshotFromFrame(assembler.complete())
}

describe('live snapshots as binary frames', () => {
  it('round-trips a snapshot with the same values as the JSON path', () => {
    const event = snapshotEvent(64)
    const viaJson = PushEvent.parse(JSON.parse(JSON.stringify({ ...event })))
    const viaBinary = receive(encodeLiveSnapshot(event)!)!
    expect(viaBinary).not.toBeNull()
    if (viaJson.type !== 'runMessage' || viaJson.message.type !== 'layerSnapshot') throw new Error()
    if (viaBinary.message.type !== 'layerSnapshot') throw new Error('not a snapshot')
    expect({ ...viaBinary, message: null }).toEqual({ ...viaJson, message: null })
    expect(viaBinary.message.step).toBe(viaJson.message.step)
    expect(viaBinary.message.densities).toEqual(viaJson.message.densities)
    expect(viaBinary.message.layers).toHaveLength(2)
    viaBinary.message.layers.forEach((layer, i) => {
      const json = viaJson.message.type === 'layerSnapshot' ? viaJson.message.layers[i]! : null
      expect(layer.group).toBe(json!.group)
      expect(Array.from(layer.density)).toEqual(json!.density)
      expect(Array.from(layer.umm)).toEqual(json!.umm)
      expect(Array.from(layer.alive)).toEqual(json!.alive)
    })
  })

  it('sends f32-exact numbers as f32 and the others as f64, so no number is rounded', () => {
    const received = receive(encodeLiveSnapshot(snapshotEvent(8))!)!
    if (received.message.type !== 'layerSnapshot') throw new Error('not a snapshot')
    const [layer] = received.message.layers
    expect(layer!.umm).toBeInstanceOf(Float32Array)
    expect(layer!.density).toBeInstanceOf(Float64Array)
    expect(layer!.alive).toBeInstanceOf(Uint8Array)
  })

  it('keeps a wide snapshot whole across several messages', () => {
    const messages = encodeLiveSnapshot(snapshotEvent(20_000))!
    expect(messages.length).toBeGreaterThan(1)
    const received = receive(messages)!
    if (received.message.type !== 'layerSnapshot') throw new Error('not a snapshot')
    expect(received.message.layers[1]!.alive).toHaveLength(40_000)
  })

  it('leaves every other event to JSON', () => {
    const progress = PushEvent.parse({
      type: 'runGap',
      runId: '20260101-000000-abcdef',
      fromSeq: 3,
      toSeq: 5,
    })
    expect(encodeLiveSnapshot(progress)).toBeNull()
  })

  it('rejects a frame whose arrays disagree in length or whose alive flags are not 0 and 1', () => {
    const frameWith = (alive: Uint8Array) => ({
      type: 'event',
      event: {
        type: 'runMessage',
        runId: '20260101-000000-abcdef',
        seq: 4,
        message: {
          type: 'layerSnapshot',
          step: 10,
          layers: [{ group: 'g', density: new Float32Array(3), umm: new Float64Array(3), alive }],
          densities: [],
        },
      },
    })
    expect(liveSnapshotFromFrame(frameWith(Uint8Array.from([1, 0, 1])))).not.toBeNull()
    expect(liveSnapshotFromFrame(frameWith(Uint8Array.from([1, 0])))).toBeNull()
    expect(liveSnapshotFromFrame(frameWith(Uint8Array.from([1, 2, 1])))).toBeNull()
  })
})
