import { describe, expect, it } from 'vitest'
import { encodeSafetensors } from '../../../../src/main/host/exports/safetensors'

describe('encodeSafetensors', () => {
  const file = Buffer.from(
    encodeSafetensors(
      [
        { name: 'a.weight', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
        { name: 'a.bias', shape: [2], data: Float32Array.from([-1, 0.5]) },
      ],
      { format: 'pt', note: 'x' },
      [{ name: 'bn.num_batches_tracked', shape: [], values: [7n] }],
    ),
  )
  const headerLength = Number(file.readBigUInt64LE(0))
  const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >
  const data = file.subarray(8 + headerLength)

  it('writes an 8-byte little-endian header length and a JSON header padded to keep the data aligned', () => {
    expect((8 + headerLength) % 8).toBe(0)
    expect(file.subarray(8, 8 + headerLength).toString('utf8')).toMatch(/^\{.*\} *$/)
  })

  it('describes every tensor with dtype, shape and contiguous data offsets, and keeps metadata as strings', () => {
    expect(header.__metadata__).toEqual({ format: 'pt', note: 'x' })
    expect(header['a.weight']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] })
    expect(header['a.bias']).toEqual({ dtype: 'F32', shape: [2], data_offsets: [24, 32] })
    expect(header['bn.num_batches_tracked']).toEqual({ dtype: 'I64', shape: [], data_offsets: [32, 40] })
    expect(data.byteLength).toBe(40)
  })

  it('stores the values little-endian at their offsets', () => {
    expect(data.readFloatLE(4 * 5)).toBe(6)
    expect(data.readFloatLE(24)).toBe(-1)
    expect(data.readBigInt64LE(32)).toBe(7n)
  })

  it('refuses a tensor whose data does not fill its shape', () => {
    expect(() => encodeSafetensors([{ name: 'w', shape: [3], data: new Float32Array(2) }], {})).toThrow(
      /w has 2 values for shape \[3\]/,
    )
  })
})
