import { z } from 'zod'
import { LayerDensity, type LayerChannels } from '../protocol/trainerMessages'
import { encodeBinaryFrames, type BinaryHeader } from './binaryFrames'
import { RunSeq, type PushEvent } from './pushEvents'
import { RunId } from './runRecords'

/**
 * A live `layerSnapshot` pushed to a client that reads binary (binaryFrames.ts), its per-channel arrays as
 * bytes: density and UMM as f32 where f32 holds every number exactly, else f64; alive as u8. So both paths
 * give the same values. The messages carry this header id instead of a request's, and go out at once, in
 * order with the JSON events around them, so `seq` and gaps mean what they mean in JSON.
 *
 *   host:   const parts = encodeLiveSnapshot(event)   // null: send it as JSON
 *   client: if (header.id === liveEventId) event = liveSnapshotFromFrame(assembler.complete())
 */
export const liveEventId = 'event' satisfies BinaryHeader['id']

type RunMessageEvent = Extract<PushEvent, { type: 'runMessage' }>

/** The binary messages of `event`, or null when it is not a live snapshot (it goes as JSON). */
export function encodeLiveSnapshot(event: PushEvent): Uint8Array[] | null {
  if (event.type !== 'runMessage' || event.message.type !== 'layerSnapshot') return null
  const layers = event.message.layers.map(packedLayer)
  const frame = { type: 'event', event: { ...event, message: { ...event.message, layers } } }
  return encodeBinaryFrames(liveEventId, frame)
}

function packedLayer(layer: LayerChannels) {
  return {
    group: layer.group,
    density: exactFloats(layer.density),
    umm: exactFloats(layer.umm),
    alive: Uint8Array.from(layer.alive),
  }
}

/** f32 when it rounds no number (half the bytes), else f64. */
function exactFloats(values: readonly number[]): Float32Array | Float64Array {
  const packed = Float32Array.from(values)
  for (let i = 0; i < values.length; i++) if (packed[i] !== values[i]) return Float64Array.from(values)
  return packed
}

const floats = z.custom<Float32Array | Float64Array>(
  (v) => v instanceof Float32Array || v instanceof Float64Array,
)
const u8 = z.custom<Uint8Array>((v) => v instanceof Uint8Array)
const BinaryLayer = z
  .object({ group: z.string(), density: floats, umm: floats, alive: u8 })
  .refine((l) => l.umm.length === l.density.length && l.alive.length === l.density.length, {
    message: 'a layer whose density, UMM and alive arrays differ in length',
  })
  .refine((l) => l.alive.every((a) => a <= 1), { message: 'alive holds a value other than 0 and 1' })
const BinarySnapshotFrame = z.object({
  type: z.literal('event'),
  event: z.object({
    type: z.literal('runMessage'),
    runId: RunId,
    seq: RunSeq,
    message: z.object({
      type: z.literal('layerSnapshot'),
      step: z.number().int().min(0),
      layers: z.array(BinaryLayer),
      densities: z.array(LayerDensity),
    }),
  }),
})

/**
 * The event of an assembled binary frame, checked as the JSON path checks its own; null when it is not a
 * well-formed snapshot (ignored like a malformed JSON frame: the next `seq` shows the gap).
 */
export function liveSnapshotFromFrame(frame: unknown): RunMessageEvent | null {
  const parsed = BinarySnapshotFrame.safeParse(frame)
  if (!parsed.success) return null
  // The arrays stay typed: the one reader of live snapshots (RunFeed) takes them as ArrayLike<number>
  // (SnapshotView), and a number[] copy would cost what the bytes saved.
  return parsed.data.event as unknown as RunMessageEvent
}
