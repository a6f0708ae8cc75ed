import { createHash } from 'node:crypto'
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * The on-disk checkpoint: a small JSON header (metadata + tensor table + a SHA-256 of the data) and the
 * raw little-endian tensor bytes. Written atomically: temporary file, fsync, rename, fsync of the folder,
 * so a crash leaves either the old checkpoint or the new one, never half of one. With `keepPrevious`
 * the one it replaces stays as `<name>.prev.ckpt`: a checkpoint damaged later (a full disk, a bad
 * copy) then costs one interval, not the run.
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

/** Where the checkpoint that `path` replaced is kept. */
export function previousCheckpointPath(path: string): string {
  return path.endsWith('.ckpt') ? `${path.slice(0, -'.ckpt'.length)}.prev.ckpt` : `${path}.prev`
}

export interface WriteCheckpointOptions {
  /** Keep the file being replaced as `previousCheckpointPath(path)`. */
  readonly keepPrevious?: boolean
}

export function writeCheckpoint<Meta>(
  path: string,
  contents: CheckpointContents<Meta>,
  options: WriteCheckpointOptions = {},
): number {
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
  if (options.keepPrevious && existsSync(path)) {
    // A hard link, then a rename: at every instant both the current file and a previous one exist.
    const previous = previousCheckpointPath(path)
    const link = `${previous}.${process.pid}.tmp`
    rmSync(link, { force: true })
    linkSync(path, link)
    renameSync(link, previous)
  }
  renameSync(temporary, path)
  syncFolder(dirname(path))
  return written
}

/** Removes temporaries that a killed writer left (`<name>.<pid>.tmp`); returns their names. */
export function removeStaleTemporaries(folder: string): string[] {
  let names: string[]
  try {
    names = readdirSync(folder)
  } catch {
    return []
  }
  const stale = names.filter((name) => /\.ckpt\.\d+\.tmp$/.test(name))
  for (const name of stale) rmSync(join(folder, name), { force: true })
  return stale
}

interface Header<Meta> {
  meta: Meta
  tensors: TensorEntry[]
  sha256: string
}

const unusable = (path: string, why: string) =>
  new Error(`Checkpoint ${path} is unusable (${why}); resume from an earlier one or start over.`)

function parseHeader<Meta>(path: string, bytes: Buffer): Header<Meta> {
  let header: Header<Meta>
  try {
    header = JSON.parse(bytes.toString()) as Header<Meta>
  } catch (error) {
    throw unusable(path, `damaged header: ${(error as Error).message}`)
  }
  if (typeof header !== 'object' || header === null || !Array.isArray(header.tensors))
    throw unusable(path, 'damaged header')
  return header
}

/** The metadata alone (which step the file holds), read without loading the tensors. */
export function readCheckpointMeta<Meta>(path: string): Meta {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (error) {
    throw new Error(`Cannot read checkpoint ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`)
  }
  try {
    const start = Buffer.alloc(MAGIC.length + 4)
    if (
      readSync(fd, start, 0, start.length, 0) < start.length ||
      start.subarray(0, MAGIC.length).toString() !== MAGIC
    )
      throw unusable(path, 'not a Chase Workbench checkpoint')
    const header = Buffer.alloc(start.readUInt32LE(MAGIC.length))
    if (readSync(fd, header, 0, header.length, start.length) < header.length)
      throw unusable(path, 'truncated header')
    return parseHeader<Meta>(path, header).meta
  } finally {
    closeSync(fd)
  }
}

/**
 * Reads `path`, or, when it is missing or damaged, the previous checkpoint kept beside it; says which
 * it used and why it skipped the newer one.
 */
export function readCheckpointOrPrevious<Meta>(path: string): {
  contents: CheckpointContents<Meta>
  path: string
  skipped: string | null
} {
  try {
    return { contents: readCheckpoint<Meta>(path), path, skipped: null }
  } catch (error) {
    const previous = previousCheckpointPath(path)
    if (!existsSync(previous)) throw error
    return { contents: readCheckpoint<Meta>(previous), path: previous, skipped: (error as Error).message }
  }
}

export function readCheckpoint<Meta>(path: string): CheckpointContents<Meta> {
  let file: Buffer
  try {
    file = readFileSync(path)
  } catch (error) {
    throw new Error(`Cannot read checkpoint ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`)
  }
  const corrupt = (why: string) => unusable(path, why)
  if (file.byteLength < MAGIC.length + 4 || file.subarray(0, MAGIC.length).toString() !== MAGIC)
    throw corrupt('not a Chase Workbench checkpoint')
  const headerLength = file.readUInt32LE(MAGIC.length)
  const dataStart = MAGIC.length + 4 + headerLength
  if (dataStart > file.byteLength) throw corrupt('truncated header')
  const header = parseHeader<Meta>(path, file.subarray(MAGIC.length + 4, dataStart))
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
