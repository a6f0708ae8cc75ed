import { createReadStream } from 'node:fs'
import { open, readFile } from 'node:fs/promises'
import { gunzipSync, createGunzip } from 'node:zlib'
import { DatasetError, formatCount } from './datasetError'

/**
 * The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): two zero bytes, a type
 * byte (0x08 = unsigned byte, the only one these datasets use), the number of dimensions, each dimension
 * as a big-endian uint32, then the data. Files may be gzipped (`.gz`, detected by content).
 */
export interface IdxArray {
  readonly dims: readonly number[]
  readonly data: Uint8Array
}

const UBYTE = 0x08
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b
}

/** Reads an IDX file of unsigned bytes, gzipped or not, checking its header against its length. */
export async function readIdxFile(path: string): Promise<IdxArray> {
  let raw: Uint8Array
  try {
    raw = await readFile(path)
  } catch (error) {
    throw new DatasetError(`Cannot read ${path}: ${(error as Error).message}`, path)
  }
  return parseIdx(isGzip(raw) ? gunzipOrExplain(raw, path) : raw, path)
}

function gunzipOrExplain(raw: Uint8Array, path: string): Uint8Array {
  try {
    return gunzipSync(raw)
  } catch (error) {
    throw new DatasetError(
      `${path} is not a valid gzip file (${(error as Error).message}): it is truncated or damaged; download it again`,
      path,
    )
  }
}

/** The header of an IDX file: dimensions and where the data starts. */
export interface IdxHeader {
  readonly dims: readonly number[]
  readonly dataOffset: number
  readonly dataBytes: number
}

/** Parses and checks an IDX header; `length` is the whole file's length when known. */
export function parseIdxHeader(bytes: Uint8Array, file: string, length = bytes.length): IdxHeader {
  if (length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('')
    const html = bytes[0] === 0x3c // '<': an error page saved as the file
    throw new DatasetError(
      `${file} is not an IDX file (bad magic number 0x${head}, expected 0x0000 then type and rank)` +
        (html
          ? ': it starts like an HTML page, so the download saved an error page; download it again'
          : '') +
        (html ? '' : ': point the config at the MNIST/Fashion-MNIST "*-ubyte" files'),
      file,
    )
  }
  const type = bytes[2]!
  if (type !== UBYTE) {
    throw new DatasetError(
      `${file} holds IDX ${TYPE_NAMES[type] ?? `type 0x${type.toString(16)}`} data; only unsigned-byte images ` +
        'and labels (type 0x08) are supported',
      file,
    )
  }
  const rank = bytes[3]!
  const dataOffset = 4 + 4 * rank
  if (rank === 0 || bytes.length < dataOffset) {
    throw new DatasetError(
      `${file} is truncated inside its IDX header (rank ${rank}): download it again`,
      file,
    )
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false))
  const dataBytes = dims.reduce((a, b) => a * b, 1)
  const actual = length - dataOffset
  if (actual !== dataBytes) {
    const problem =
      actual < dataBytes
        ? 'the file is truncated; download it again'
        : 'the file is longer than its header says; it is damaged, download it again'
    throw new DatasetError(
      `${file} holds ${formatCount(actual)} bytes of data where its header (${dims.join(' × ')}) ` +
        `promises ${formatCount(dataBytes)}: ${problem}`,
      file,
    )
  }
  return { dims, dataOffset, dataBytes }
}

/** Parses a whole (already decompressed) IDX file. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  const header = parseIdxHeader(bytes, file)
  return { dims: header.dims, data: bytes.subarray(header.dataOffset) }
}

/**
 * Reads only the header of an IDX file and checks it against the file's length (for a gzipped file, the
 * uncompressed length its trailer records), so `doctor` can vet a dataset without decompressing it.
 */
export async function readIdxHeader(path: string): Promise<IdxHeader> {
  const handle = await open(path, 'r')
  try {
    const { size } = await handle.stat()
    const head = new Uint8Array(Math.min(size, 64))
    await handle.read(head, 0, head.length, 0)
    if (!isGzip(head)) return parseIdxHeader(head, path, size)
    // gzip stores the uncompressed length modulo 2^32 in its last four bytes (RFC 1952).
    const trailer = new Uint8Array(4)
    await handle.read(trailer, 0, 4, size - 4)
    const uncompressed = new DataView(trailer.buffer).getUint32(0, true)
    return parseIdxHeader(await gunzipPrefix(path, 64), path, uncompressed)
  } finally {
    await handle.close()
  }
}

/** The first `bytes` bytes of a gzipped file, decompressing no further. */
async function gunzipPrefix(path: string, bytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let have = 0
  const gunzip = createReadStream(path).pipe(createGunzip())
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      chunks.push(chunk)
      have += chunk.length
      if (have >= bytes) break
    }
  } catch (error) {
    if (have === 0) {
      throw new DatasetError(
        `${path} is not a valid gzip file (${(error as Error).message}): download it again`,
        path,
      )
    }
  } finally {
    gunzip.destroy()
  }
  return Buffer.concat(chunks).subarray(0, bytes)
}
