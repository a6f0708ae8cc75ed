import { createHash } from 'node:crypto'
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * The on-disk checkpoint: a small JSON header (metadata + tensor table + a SHA-256 of the data) and the
 * raw little-endian tensor bytes. Written atomically: temporary file, fsync, rename, fsync of the folder,
 * so a crash leaves either the old checkpoint or the new one, never half of one.
 */
const MAGIC = 'CHASE-CKPT-1\n'

export type StoredArray = Float32Array | Int32Array | Uint8Array
type DType = 'float32' | 'int32' | 'uint8'

export interface StoredTensor {
  readonly shape: readonly number[]
  readonly data: StoredArray
}

export interface CheckpointContents<Meta> {
  readonly meta: Meta
  readonly tensors: ReadonlyMap<string, StoredTensor>
}

interface TensorEntry {
  name: string
  dtype: DType
  shape: number[]
  offset: number
  byteLength: number
}

function dtypeOf(data: StoredArray): DType {
  if (data instanceof Float32Array) return 'float32'
  if (data instanceof Int32Array) return 'int32'
  return 'uint8'
}

export function writeCheckpoint<Meta>(path: string, contents: CheckpointContents<Meta>): number {
  const entries: TensorEntry[] = []
  const chunks: Uint8Array[] = []
  let offset = 0
  const hash = createHash('sha256')
  for (const [name, tensor] of contents.tensors) {
    const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength)
    const padding = (8 - (bytes.byteLength % 8)) % 8
    entries.push({
      name,
      dtype: dtypeOf(tensor.data),
      shape: [...tensor.shape],
      offset,
      byteLength: bytes.byteLength,
    })
    chunks.push(bytes)
    hash.update(bytes)
    if (padding > 0) chunks.push(new Uint8Array(padding))
    offset += bytes.byteLength + padding
  }
  const header = Buffer.from(
    JSON.stringify({ meta: contents.meta, tensors: entries, sha256: hash.digest('hex') }),
  )
  const length = Buffer.alloc(4)
  length.writeUInt32LE(header.byteLength)

  const temporary = `${path}.${process.pid}.tmp`
  const fd = openSync(temporary, 'w')
  let written = 0
  try {
    for (const part of [Buffer.from(MAGIC), length, header, ...chunks]) written += writeSync(fd, part)
    fsyncSync(fd)
  } catch (error) {
    closeSync(fd)
    rmSync(temporary, { force: true })
    throw new Error(`Could not write checkpoint ${path}: ${(error as Error).message}`)
  }
  closeSync(fd)
  renameSync(temporary, path)
  syncFolder(dirname(path))
  return written
}

export function readCheckpoint<Meta>(path: string): CheckpointContents<Meta> {
  let file: Buffer
  try {
    file = readFileSync(path)
  } catch (error) {
    throw new Error(`Cannot read checkpoint ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`)
  }
  const corrupt = (why: string) =>
    new Error(`Checkpoint ${path} is unusable (${why}); resume from an earlier one or start over.`)
  if (file.subarray(0, MAGIC.length).toString() !== MAGIC) throw corrupt('not a Chase Workbench checkpoint')
  const headerLength = file.readUInt32LE(MAGIC.length)
  const dataStart = MAGIC.length + 4 + headerLength
  if (dataStart > file.byteLength) throw corrupt('truncated header')
  const header = JSON.parse(file.subarray(MAGIC.length + 4, dataStart).toString()) as {
    meta: Meta
    tensors: TensorEntry[]
    sha256: string
  }
  const data = file.subarray(dataStart)
  const hash = createHash('sha256')
  const tensors = new Map<string, StoredTensor>()
  for (const entry of header.tensors) {
    if (entry.offset + entry.byteLength > data.byteLength) throw corrupt(`truncated tensor ${entry.name}`)
    // Copy into an aligned buffer: typed arrays need their element alignment.
    const bytes = new Uint8Array(data.subarray(entry.offset, entry.offset + entry.byteLength))
    hash.update(bytes)
    const array =
      entry.dtype === 'float32'
        ? new Float32Array(bytes.buffer)
        : entry.dtype === 'int32'
          ? new Int32Array(bytes.buffer)
          : bytes
    tensors.set(entry.name, { shape: entry.shape, data: array })
  }
  if (hash.digest('hex') !== header.sha256) throw corrupt('checksum mismatch')
  return { meta: header.meta, tensors }
}

function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r')
    fsyncSync(fd)
    closeSync(fd)
  } catch {
    // Some platforms (Windows) cannot open a folder for fsync; the rename is still atomic there.
  }
}
