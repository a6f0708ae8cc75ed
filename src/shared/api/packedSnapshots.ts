import { z } from 'zod'
import { base64ByteCount, decodeBase64, encodeBase64 } from './base64'
import { LayerSnapshot } from './runRecords'

/**
 * Layer snapshots packed for the wire: each per-channel series is one base64 string of a typed array
 * instead of thousands of JSON numbers (a paper-scale snapshot goes from ~0.2 MB of 17-digit floats to
 * 10–40 kB). `f32` is exact; `u16` and `u8` quantise density (in [0, 1]) and UMM (scaled by the layer's
 * largest score) for display. Checked by a header test (lengths agree with `channels`), not a walk over
 * every number, so neither side spends its time validating.
 */
export const SnapshotEncoding = z.enum(['f32', 'u16', 'u8'])
export type SnapshotEncoding = z.infer<typeof SnapshotEncoding>

const bytesPer: Record<SnapshotEncoding, number> = { f32: 4, u16: 2, u8: 1 }
const levels: Record<SnapshotEncoding, number> = { f32: 0, u16: 65_535, u8: 255 }

export const PackedLayer = z
  .object({
    group: z.string(),
    channels: z.number().int().min(0).max(1_000_000),
    /** The value a full-scale quantised UMM stands for (1 for density; unused for f32). */
    ummScale: z.number().nonnegative(),
    density: z.string(),
    umm: z.string(),
    /** One byte per channel: 1 alive, 0 removed. */
    alive: z.string(),
  })
  .strict()
export type PackedLayer = z.infer<typeof PackedLayer>

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
          base64ByteCount(l.density) === l.channels * bytesPer[s.encoding] &&
          base64ByteCount(l.umm) === l.channels * bytesPer[s.encoding] &&
          base64ByteCount(l.alive) === l.channels,
      ),
    { message: 'a packed layer’s arrays do not match its channel count' },
  )
export type PackedSnapshot = z.infer<typeof PackedSnapshot>

function quantise(values: ArrayLike<number>, encoding: SnapshotEncoding, scale: number): Uint8Array {
  if (encoding === 'f32') {
    const f = Float32Array.from(values)
    return new Uint8Array(f.buffer)
  }
  const top = levels[encoding]
  const q = encoding === 'u16' ? new Uint16Array(values.length) : new Uint8Array(values.length)
  const factor = scale > 0 ? top / scale : 0
  for (let i = 0; i < values.length; i++) {
    const v = Math.round(values[i]! * factor)
    q[i] = v < 0 ? 0 : v > top ? top : v
  }
  return new Uint8Array(q.buffer)
}

function dequantise(bytes: Uint8Array, encoding: SnapshotEncoding, scale: number): number[] {
  // Copied so the typed view is aligned whatever offset the bytes came at.
  const buffer = bytes.slice().buffer
  if (encoding === 'f32') return Array.from(new Float32Array(buffer))
  const q = encoding === 'u16' ? new Uint16Array(buffer) : new Uint8Array(buffer)
  const factor = scale / levels[encoding]
  return Array.from(q, (v) => v * factor)
}

export interface LayerValues {
  readonly group: string
  readonly density: ArrayLike<number>
  readonly umm: ArrayLike<number>
  readonly alive: ArrayLike<number>
}

/** `encode` lets the host use its native base64 (Node's Buffer) for the same bytes. */
export function packLayer(
  layer: LayerValues,
  encoding: SnapshotEncoding,
  encode: (bytes: Uint8Array) => string = encodeBase64,
): PackedLayer {
  let ummScale = 0
  for (let i = 0; i < layer.umm.length; i++) ummScale = Math.max(ummScale, layer.umm[i]!)
  return {
    group: layer.group,
    channels: layer.density.length,
    ummScale,
    density: encode(quantise(layer.density, encoding, 1)),
    umm: encode(quantise(layer.umm, encoding, ummScale)),
    alive: encode(Uint8Array.from(layer.alive)),
  }
}

/** Back to the plain snapshot the dashboard draws (quantised values come back as the nearest level). */
export function unpackSnapshot(packed: PackedSnapshot): LayerSnapshot {
  return {
    step: packed.step,
    densities: packed.densities,
    layers: packed.layers.map((l) => ({
      group: l.group,
      density: dequantise(decodeBase64(l.density), packed.encoding, 1),
      umm: dequantise(decodeBase64(l.umm), packed.encoding, l.ummScale),
      alive: Array.from(decodeBase64(l.alive)),
    })),
  }
}
