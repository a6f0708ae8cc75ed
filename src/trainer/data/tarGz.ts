import { createReadStream } from 'node:fs'
import { mkdir, open } from 'node:fs/promises'
import { dirname, isAbsolute, join, normalize, sep } from 'node:path'
import { createGunzip } from 'node:zlib'
import { DatasetError } from './datasetError'

/**
 * Extracts the regular files and folders of a `.tar.gz` (ustar, with GNU long names and pax paths),
 * streaming, without an external `tar`. Links and devices are skipped; a path that would escape
 * `destination` stops the extraction. Returns the extracted files' paths relative to `destination`.
 */
export async function extractTarGz(archive: string, destination: string): Promise<string[]> {
  const reader = new ByteReader(createReadStream(archive).pipe(createGunzip()))
  const extracted: string[] = []
  let longName: string | null = null
  try {
    for (;;) {
      const header = await reader.read(512)
      if (header === null || header.every((b) => b === 0)) break
      const size = parseOctal(header.subarray(124, 136), archive)
      const type = String.fromCharCode(header[156]!)
      const padded = Math.ceil(size / 512) * 512
      if (type === 'L' || type === 'x') {
        const body = (await reader.read(padded)) ?? truncated(archive)
        const text = body.subarray(0, size).toString('utf8')
        longName =
          type === 'L' ? text.replace(/\0.*$/s, '') : (/\d+ path=([^\n]*)\n/.exec(text)?.[1] ?? longName)
        continue
      }
      const name = longName ?? headerName(header)
      longName = null
      if (type === '0' || type === '\0' || type === '7') {
        const target = safeTarget(destination, name, archive)
        await mkdir(dirname(target), { recursive: true })
        await writeEntry(reader, target, size, archive)
        await reader.skip(padded - size)
        extracted.push(name)
      } else {
        if (type === '5') await mkdir(safeTarget(destination, name, archive), { recursive: true })
        await reader.skip(padded)
      }
    }
  } catch (error) {
    if (error instanceof DatasetError) throw error
    throw new DatasetError(
      `${archive} could not be extracted (${(error as Error).message}): it is damaged; download it again`,
      archive,
    )
  }
  return extracted
}

async function writeEntry(reader: ByteReader, target: string, size: number, archive: string): Promise<void> {
  const handle = await open(target, 'w')
  try {
    let left = size
    while (left > 0) {
      const piece = (await reader.read(Math.min(left, 1 << 20))) ?? truncated(archive)
      await handle.write(piece)
      left -= piece.length
    }
  } finally {
    await handle.close()
  }
}

function headerName(header: Buffer): string {
  const field = (from: number, to: number) => header.subarray(from, to).toString('utf8').replace(/\0.*$/s, '')
  const name = field(0, 100)
  const ustar = header.subarray(257, 262).toString('latin1') === 'ustar'
  const prefix = ustar ? field(345, 500) : ''
  return prefix ? `${prefix}/${name}` : name
}

function parseOctal(field: Buffer, archive: string): number {
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim()
  if (!/^[0-7]*$/.test(text)) {
    throw new DatasetError(`${archive} is not a tar.gz archive (bad header): download it again`, archive)
  }
  return text === '' ? 0 : parseInt(text, 8)
}

function safeTarget(destination: string, name: string, archive: string): string {
  const clean = normalize(name)
  if (isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`)) {
    throw new DatasetError(`${archive} holds the unsafe path "${name}": refusing to extract it`, archive)
  }
  return join(destination, clean)
}

function truncated(archive: string): never {
  throw new DatasetError(
    `${archive} ends in the middle of a file: it is truncated; download it again`,
    archive,
  )
}

/** Exact-size reads from a stream of chunks. */
class ByteReader {
  private readonly iterator: AsyncIterator<Buffer>
  private buffered: Buffer[] = []
  private have = 0

  constructor(source: AsyncIterable<Buffer>) {
    this.iterator = source[Symbol.asyncIterator]()
  }

  /** Exactly `n` bytes, or null at the end of the stream (a short tail is an error). */
  async read(n: number): Promise<Buffer | null> {
    while (this.have < n) {
      const next = await this.iterator.next()
      if (next.done) {
        if (this.have === 0) return null
        throw new Error(`unexpected end of archive`)
      }
      this.buffered.push(next.value)
      this.have += next.value.length
    }
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered)
    const out = all.subarray(0, n)
    const rest = all.subarray(n)
    this.buffered = rest.length > 0 ? [rest] : []
    this.have = rest.length
    return out
  }

  async skip(n: number): Promise<void> {
    if (n > 0 && (await this.read(n)) === null) throw new Error('unexpected end of archive')
  }
}
