import { maskedCrc32c } from './crc32c'

/**
 * One TFRecord: uint64 LE length, masked CRC-32C of those 8 bytes, the data, masked CRC-32C of the
 * data (tensorflow/core/lib/io/record_writer.cc).
 */
export function tfRecord(data: Uint8Array): Buffer {
  const record = Buffer.alloc(8 + 4 + data.byteLength + 4)
  record.writeBigUInt64LE(BigInt(data.byteLength), 0)
  record.writeUInt32LE(maskedCrc32c(record.subarray(0, 8)), 8)
  record.set(data, 12)
  record.writeUInt32LE(maskedCrc32c(data), 12 + data.byteLength)
  return record
}
