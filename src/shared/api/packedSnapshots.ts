import { z } from 'zod'
import { base64ByteCount, decodeBase64 } from './base64'
import { LayerSnapshot } from './runRecords'

/**
 * Layer snapshots packed for the wire: each per-channel series is one typed array instead of thousands of
 * JSON numbers (a paper-scale snapshot goes from ~0.2 MB of 17-digit floats to 10–40 kB). `f32` is exact;
 * `u16` and `u8` quantise density (in [0, 1]) and UMM (scaled by the layer's largest score) for display.
 * The host answers with typed arrays; a binary-capable transport carries them as bytes (binaryFrames.ts,
 * Electron's structured clone), a JSON one as base64 strings, so the schema takes either. Checked by a
 * header test (lengths agree with `channels`), not a walk over every number.
 */
export const SnapshotEncoding = z.enum(['f32', 'u16', 'u8'])
export type SnapshotEncoding = z.infer<typeof SnapshotEncoding>

const bytesPer: Record<SnapshotEncoding, number> = { f32: 4, u16: 2, u8: 1 }
const levels: Record<SnapshotEncoding, number> = { f32: 0, u16: 65_535, u8: 255 }
const arrayClass = { f32: Float32Array, u16: Uint16Array, u8: Uint8Array } as const

/** One series: its bytes as base64 (JSON transports) or as the typed array of the snapshot's encoding. */
const PackedArray = z.union([
  z.string(),
  z.custom<Uint8Array>((v) => v instanceof Uint8Array),
  z.custom<Uint16Array>((v) => v instanceof Uint16Array),
  z.custom<Float32Array>((v) => v instanceof Float32Array),
])
type PackedArray = z.infer<typeof PackedArray>

export const PackedLayer = z
  .object({
    group: z.string(),
    channels: z.number().int().min(0).max(1_000_000),
    /** The value a full-scale quantised UMM stands for (1 for density; unused for f32). */
    ummScale: z.number().nonnegative(),
    density: PackedArray,
    umm: PackedArray,
    /** One byte per channel: 1 alive, 0 removed. */
    alive: PackedArray,
  })
  .strict()
export type PackedLayer = z.infer<typeof PackedLayer>

/** True when `array` holds `channels` values of `encoding` (base64 judged by its length alone). */
function fits(array: PackedArray, encoding: SnapshotEncoding, channels: number): boolean {
  if (typeof array === 'string') return base64ByteCount(array) === channels * bytesPer[encoding]
  return array instanceof arrayClass[encoding] && array.length === channels
}

export const PackedSnapshot = z
  .object({
    step: z.number().int().min(0),
    encoding: SnapshotEncoding,
    layers: z.array(PackedLayer),
    densities: LayerSnapshot.shape.densities,
  })
  .refine(
    (s) =>
      s.layers.every(
        (l) =>
          fits(l.density, s.encoding, l.channels) &&
          fits(l.umm, s.encoding, l.channels) &&
          fits(l.alive, 'u8', l.channels),
      ),
    { message: 'a packed layer’s arrays do not match its channel count and encoding' },
  )
export type PackedSnapshot = z.infer<typeof PackedSnapshot>

function quantise(values: ArrayLike<number>, encoding: SnapshotEncoding, scale: number) {
  if (encoding === 'f32') return values instanceof Float32Array ? values : Float32Array.from(values)
  const top = levels[encoding]
  const q = encoding === 'u16' ? new Uint16Array(values.length) : new Uint8Array(values.length)
  const factor = scale > 0 ? top / scale : 0
  for (let i = 0; i < values.length; i++) {
    const v = Math.round(values[i]! * factor)
    q[i] = v < 0 ? 0 : v > top ? top : v
  }
  return q
}

/** The typed array of `encoding` a packed series stands for (a view when it already is one). */
function typedOf(array: PackedArray, encoding: SnapshotEncoding): Uint8Array | Uint16Array | Float32Array {
  if (typeof array !== 'string') return array
  const bytes = decodeBase64(array)
  return encoding === 'f32'
    ? new Float32Array(bytes.buffer, 0, bytes.length / 4)
    : encoding === 'u16'
      ? new Uint16Array(bytes.buffer, 0, bytes.length / 2)
      : bytes
}

/** Display values: exact floats are used as they are, quantised levels scaled into a Float32Array. */
function dequantise(array: PackedArray, encoding: SnapshotEncoding, scale: number): Float32Array {
  const typed = typedOf(array, encoding)
  if (typed instanceof Float32Array) return typed
  const out = new Float32Array(typed.length)
  const factor = scale / levels[encoding]
  for (let i = 0; i < typed.length; i++) out[i] = typed[i]! * factor
  return out
}

export interface LayerValues {
  readonly group: string
  readonly density: ArrayLike<number>
  readonly umm: ArrayLike<number>
  readonly alive: ArrayLike<number>
}

/**
 * A snapshot as the dashboard holds it: per-channel values in whichever arrays they came in (typed arrays
 * from a packed answer, plain arrays from a live message).
 */
export interface SnapshotView {
  readonly step: number
  readonly layers: readonly LayerValues[]
  readonly densities: LayerSnapshot['densities']
}

/** Packs one layer; the arrays are fresh typed arrays (f32 keeps a Float32Array it is given). */
export function packLayer(layer: LayerValues, encoding: SnapshotEncoding): PackedLayer {
  let ummScale = 0
  for (let i = 0; i < layer.umm.length; i++) ummScale = Math.max(ummScale, layer.umm[i]!)
  return {
    group: layer.group,
    channels: layer.density.length,
    ummScale,
    density: quantise(layer.density, encoding, 1),
    umm: quantise(layer.umm, encoding, ummScale),
    // A plain view even of a Node Buffer: a Buffer's toJSON would turn it into numbers on the wire.
    alive:
      layer.alive instanceof Uint8Array
        ? new Uint8Array(layer.alive.buffer, layer.alive.byteOffset, layer.alive.length)
        : Uint8Array.from(layer.alive),
  }
}

/** Back to values the dashboard draws (quantised values come back as the nearest level). */
export function unpackSnapshot(packed: PackedSnapshot): SnapshotView {
  return {
    step: packed.step,
    densities: packed.densities,
    layers: packed.layers.map((l) => ({
      group: l.group,
      density: dequantise(l.density, packed.encoding, 1),
      umm: dequantise(l.umm, packed.encoding, l.ummScale),
      alive: typedOf(l.alive, 'u8'),
    })),
  }
}
