import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeBase64, encodeBase64 } from '../../../src/shared/api/base64'
import {
  PackedSnapshot,
  packLayer,
  unpackSnapshot,
  type SnapshotEncoding,
} from '../../../src/shared/api/packedSnapshots'

const layer = {
  group: 'features.0',
  density: [0, 0.125, 0.5, 1, 0.3333],
  umm: [0, 2.5, 10, 0.001, 7],
  alive: [0, 1, 1, 1, 1],
}
const snapshot = (encoding: SnapshotEncoding) => ({
  step: 760,
  encoding,
  layers: [packLayer(layer, encoding)],
  densities: [{ tensor: 'features.0.weight', nnz: 10, size: 1728, aliveSize: 1400 }],
})

describe('packed snapshots', () => {
  it('round-trips bytes through base64 like the platform codec', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = encodeBase64(bytes)
        expect(text).toBe(Buffer.from(bytes).toString('base64'))
        expect(decodeBase64(text)).toEqual(bytes)
      }),
    )
    expect(() => decodeBase64('ab$=')).toThrow(/not base64/)
  })

  // Display values are Float32Array: within half a level plus float32 rounding.
  it('keeps f32 exact and quantised values within half a level of the scale', () => {
    const exact = unpackSnapshot(PackedSnapshot.parse(snapshot('f32'))).layers[0]!
    expect(Array.from(exact.density)).toEqual(layer.density.map(Math.fround))
    expect(Array.from(exact.umm)).toEqual(layer.umm.map(Math.fround))
    expect(Array.from(exact.alive)).toEqual(layer.alive)
    for (const [encoding, levels] of [
      ['u16', 65_535],
      ['u8', 255],
    ] as const) {
      const q = unpackSnapshot(PackedSnapshot.parse(snapshot(encoding))).layers[0]!
      Array.from(q.density).forEach((v, i) =>
        expect(Math.abs(v - layer.density[i]!)).toBeLessThanOrEqual(0.5 / levels + 1e-7),
      )
      Array.from(q.umm).forEach((v, i) =>
        expect(Math.abs(v - layer.umm[i]!)).toBeLessThanOrEqual((0.5 * 10) / levels + 1e-6),
      )
    }
  })

  it('reads the same values from typed arrays and from their base64 (a JSON transport)', () => {
    for (const encoding of ['f32', 'u16', 'u8'] as const) {
      const typed = PackedSnapshot.parse(snapshot(encoding))
      const asJson = PackedSnapshot.parse(
        JSON.parse(
          JSON.stringify(typed, (_k, v: unknown) =>
            ArrayBuffer.isView(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : v,
          ),
        ),
      )
      expect(typeof asJson.layers[0]!.density).toBe('string')
      const a = unpackSnapshot(typed).layers[0]!
      const b = unpackSnapshot(asJson).layers[0]!
      expect(Array.from(b.density)).toEqual(Array.from(a.density))
      expect(Array.from(b.umm)).toEqual(Array.from(a.umm))
      expect(Array.from(b.alive)).toEqual(Array.from(a.alive))
    }
  })

  it('rejects a typed array of another encoding than the snapshot says', () => {
    const wrong = snapshot('u16')
    wrong.layers[0] = { ...wrong.layers[0]!, density: new Float32Array(5) }
    expect(PackedSnapshot.safeParse(wrong).success).toBe(false)
  })

  it('rejects a packed layer whose arrays do not match its channel count, without reading the numbers', () => {
    const broken = snapshot('u16')
    broken.layers[0] = { ...broken.layers[0]!, channels: 6 }
    expect(PackedSnapshot.safeParse(broken).success).toBe(false)
    expect(PackedSnapshot.safeParse(snapshot('u8')).success).toBe(true)
  })
})
