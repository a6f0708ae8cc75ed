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

  it('keeps f32 exact and quantised values within half a level of the scale', () => {
    const exact = unpackSnapshot(PackedSnapshot.parse(snapshot('f32'))).layers[0]!
    expect(exact.density).toEqual(layer.density.map(Math.fround))
    expect(exact.umm).toEqual(layer.umm.map(Math.fround))
    expect(exact.alive).toEqual(layer.alive)
    for (const [encoding, levels] of [
      ['u16', 65_535],
      ['u8', 255],
    ] as const) {
      const q = unpackSnapshot(PackedSnapshot.parse(snapshot(encoding))).layers[0]!
      q.density.forEach((v, i) => expect(Math.abs(v - layer.density[i]!)).toBeLessThanOrEqual(0.5 / levels))
      q.umm.forEach((v, i) =>
        expect(Math.abs(v - layer.umm[i]!)).toBeLessThanOrEqual((0.5 * 10) / levels + 1e-12),
      )
    }
  })

  it('rejects a packed layer whose arrays do not match its channel count, without reading the numbers', () => {
    const broken = snapshot('u16')
    broken.layers[0] = { ...broken.layers[0]!, channels: 6 }
    expect(PackedSnapshot.safeParse(broken).success).toBe(false)
    expect(PackedSnapshot.safeParse(snapshot('u8')).success).toBe(true)
  })
})
