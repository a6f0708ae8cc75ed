import { describe, expect, it } from 'vitest'
import { crc32c, maskedCrc32c } from '../../../../src/main/host/exports/tensorboard/crc32c'
import { tfRecord } from '../../../../src/main/host/exports/tensorboard/tfRecord'

describe('TFRecord framing', () => {
  it('computes CRC-32C (Castagnoli) check values', () => {
    // The standard check value of CRC-32C, and RFC 3720's 32 bytes of zeros.
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa)
  })

  it('frames a record as length, masked length CRC, data, masked data CRC', () => {
    const data = Buffer.from('hello')
    const record = tfRecord(data)
    expect(record.byteLength).toBe(8 + 4 + 5 + 4)
    expect(record.readBigUInt64LE(0)).toBe(5n)
    expect(record.readUInt32LE(8)).toBe(maskedCrc32c(record.subarray(0, 8)))
    expect(record.subarray(12, 17).toString()).toBe('hello')
    expect(record.readUInt32LE(17)).toBe(maskedCrc32c(data))
    const crc = crc32c(data)
    expect(maskedCrc32c(data)).toBe(((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0)
  })
})
