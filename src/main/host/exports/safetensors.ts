import type { TorchTensor } from '../../../shared/export/torchLayout'

/** An int64 tensor (PyTorch's `num_batches_tracked`), kept apart because its dtype differs. */
export interface Int64Tensor {
  readonly name: string
  readonly shape: readonly number[]
  readonly values: readonly bigint[]
}

/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes
 * of JSON (`{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__: { string: string } }`,
 * padded with spaces to a multiple of 8 so the data stays aligned), then the tensors' little-endian
 * bytes back to back, offsets relative to the end of the header.
 */
export function encodeSafetensors(
  tensors: readonly TorchTensor[],
  metadata: Readonly<Record<string, string>>,
  int64: readonly Int64Tensor[] = [],
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata }
  let offset = 0
  const seen = new Set<string>()
  const claim = (name: string, byteLength: number) => {
    if (seen.has(name)) throw new Error(`safetensors: tensor ${name} given twice`)
    seen.add(name)
    const range = [offset, offset + byteLength]
    offset += byteLength
    return range
  }
  for (const t of tensors) {
    if (t.data.length !== t.shape.reduce((a, b) => a * b, 1))
      throw new Error(`safetensors: ${t.name} has ${t.data.length} values for shape [${t.shape.join(', ')}]`)
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: claim(t.name, t.data.byteLength) }
  }
  for (const t of int64)
    header[t.name] = { dtype: 'I64', shape: t.shape, data_offsets: claim(t.name, t.values.length * 8) }

  let json = Buffer.from(JSON.stringify(header), 'utf8')
  const padding = (8 - (json.byteLength % 8)) % 8
  if (padding > 0) json = Buffer.concat([json, Buffer.alloc(padding, 0x20)])
  const file = Buffer.alloc(8 + json.byteLength + offset)
  file.writeBigUInt64LE(BigInt(json.byteLength), 0)
  json.copy(file, 8)
  let at = 8 + json.byteLength
  for (const t of tensors) {
    // Float32Array is host-endian; every platform Node runs on is little-endian, as the format requires.
    file.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at)
    at += t.data.byteLength
  }
  for (const t of int64)
    for (const value of t.values) {
      file.writeBigInt64LE(value, at)
      at += 8
    }
  return file
}
