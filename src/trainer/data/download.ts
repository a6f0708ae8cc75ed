import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, rename, rm, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DatasetError } from './datasetError'
import type { SourceFile } from './datasetSources'
import { proxyAwareFetch } from './proxyFetch'

/** One progress report of a download (throttled to about ten a second, plus one when a file is done). */
export interface DownloadProgress {
  readonly file: string
  readonly url: string
  /** Bytes on disk for this file, including those kept from an earlier, interrupted try. */
  readonly receivedBytes: number
  /** From Content-Length, else the published size, else null. */
  readonly totalBytes: number | null
  readonly bytesPerSecond: number
  readonly done: boolean
}

/** The part of `fetch` we use: injectable so tests can run the whole path against a local server. */
export type FetchLike = (
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string>; redirect: 'manual' },
) => Promise<Response>

export interface DownloadOptions {
  /** Default: Node's fetch, through the proxy `HTTPS_PROXY` / `HTTP_PROXY` name (see proxyFetch.ts). */
  readonly fetch?: FetchLike
  readonly onProgress?: (progress: DownloadProgress) => void
  /** Give up on a mirror that sends nothing for this long. Default 30 s. */
  readonly idleTimeoutMs?: number
  /** Where the proxy settings are read (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv
}

/**
 * Why a download failed: `offline` when no mirror could be reached at all; `stalled` when a transfer
 * stopped part-way (what arrived is kept, and the next try resumes from it); `too-large` when a server
 * sends more than the published size; `redirect` for a redirect to another scheme; `disk-full`.
 */
export type DownloadFailure =
  'offline' | 'http' | 'checksum' | 'stalled' | 'too-large' | 'redirect' | 'disk-full'

export class DownloadError extends DatasetError {
  constructor(
    message: string,
    readonly reason: DownloadFailure,
    path?: string,
  ) {
    super(message, path)
  }
}

const maxRedirects = 5

/**
 * Downloads one published file to `destination`, trying its mirrors in order. Bytes stream into
 * `destination.part` while its MD5 is computed; the rename happens only when the checksum matches. A
 * `.part` left by an interrupted try is resumed with an HTTP Range request. A finished `destination`
 * whose checksum matches is kept as it is.
 */
export async function downloadFile(
  file: SourceFile,
  destination: string,
  options: DownloadOptions = {},
): Promise<void> {
  if ((await md5OfFile(destination)) === file.md5) return
  const failures: { url: string; reason: DownloadFailure; detail: string }[] = []
  for (const url of file.urls) {
    try {
      await downloadFrom(url, file, destination, options)
      return
    } catch (error) {
      if (!(error instanceof DownloadError)) throw error
      // Another mirror cannot help a full disk.
      if (error.reason === 'disk-full') throw error
      failures.push({ url, reason: error.reason, detail: error.message })
    }
  }
  const offline = failures.every((f) => f.reason === 'offline')
  const reason = offline ? 'offline' : (failures.find((f) => f.reason !== 'offline')?.reason ?? 'http')
  const details = failures.map((f) => `${f.url}: ${f.detail}`).join('; ')
  throw new DownloadError(
    offline
      ? `Could not reach any mirror of ${file.name} (${details}): this machine looks offline`
      : `Could not download ${file.name} (${details})`,
    reason,
    destination,
  )
}

async function downloadFrom(url: string, file: SourceFile, destination: string, options: DownloadOptions) {
  const fetchImpl: FetchLike = options.fetch ?? proxyAwareFetch(options.env ?? process.env)
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000
  const limitBytes = file.bytes > 0 ? file.bytes : null
  const part = `${destination}.part`
  let offset = await sizeOf(part)
  if (limitBytes !== null && offset >= limitBytes) {
    // A complete (or oversized) leftover with a wrong checksum: start again.
    await rm(part, { force: true })
    offset = 0
  }
  const controller = new AbortController()
  let idle = setTimeout(() => controller.abort(), idleTimeoutMs)
  const touch = () => {
    clearTimeout(idle)
    idle = setTimeout(() => controller.abort(), idleTimeoutMs)
  }
  let response: Response
  try {
    response = await fetchFollowing(fetchImpl, url, {
      signal: controller.signal,
      headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
    })
  } catch (error) {
    clearTimeout(idle)
    if (error instanceof DownloadError) throw error
    if (controller.signal.aborted)
      throw new DownloadError(`no answer in ${idleTimeoutMs / 1000} s`, 'offline')
    throw new DownloadError(networkReason(error), 'offline')
  }
  const resumed = offset > 0 && response.status === 206 && rangeStart(response) === offset
  if (
    (!response.ok && response.status !== 206) ||
    response.body === null ||
    (response.status === 206 && !resumed)
  ) {
    clearTimeout(idle)
    await response.body?.cancel().catch(() => {})
    // A 416 or a range we did not ask for: the leftover does not match what the server holds.
    if (offset > 0) await rm(part, { force: true })
    throw new DownloadError(`the server answered ${response.status} ${response.statusText}`.trim(), 'http')
  }
  if (!resumed) offset = 0
  const header = Number(response.headers.get('content-length'))
  const sent = Number.isFinite(header) && header > 0 ? header : null
  if (limitBytes !== null && sent !== null && offset + sent > limitBytes) {
    clearTimeout(idle)
    await response.body.cancel().catch(() => {})
    throw tooLarge(url, offset + sent, limitBytes)
  }
  const totalBytes = sent !== null ? offset + sent : limitBytes
  const hash = createHash('md5')
  if (offset > 0) await hashFile(part, hash)
  let handle
  try {
    handle = await open(part, offset > 0 ? 'a' : 'w')
  } catch (error) {
    clearTimeout(idle)
    await response.body.cancel().catch(() => {})
    throw fileSystemError(error, part, 0)
  }
  const started = performance.now()
  let received = offset
  let lastReport = 0
  const report = (done: boolean) => {
    const seconds = (performance.now() - started) / 1000
    const bytesPerSecond = seconds > 0 ? (received - offset) / seconds : 0
    options.onProgress?.({ file: file.name, url, receivedBytes: received, totalBytes, bytesPerSecond, done })
  }
  report(false)
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      touch()
      if (limitBytes !== null && received + chunk.length > limitBytes) {
        controller.abort()
        await handle.close()
        await rm(part, { force: true })
        throw tooLarge(url, received + chunk.length, limitBytes)
      }
      hash.update(chunk)
      try {
        await handle.write(chunk)
      } catch (error) {
        controller.abort()
        await handle.close()
        // Free what we took: a full disk needs every byte back.
        await rm(part, { force: true })
        throw fileSystemError(error, part, received)
      }
      received += chunk.length
      if (performance.now() - lastReport > 100) {
        lastReport = performance.now()
        report(false)
      }
    }
  } catch (error) {
    if (error instanceof DownloadError) throw error
    // What arrived stays in the .part file: the next try asks for the rest.
    await handle.close()
    if (controller.signal.aborted) {
      throw new DownloadError(
        `stalled: no data for ${idleTimeoutMs / 1000} s after ${received} bytes (kept; the next try resumes)`,
        'stalled',
      )
    }
    throw new DownloadError(
      `the connection broke after ${received} bytes (${networkReason(error)}; kept, the next try resumes)`,
      'stalled',
    )
  } finally {
    clearTimeout(idle)
  }
  await handle.close()
  const md5 = hash.digest('hex')
  if (md5 !== file.md5) {
    await rm(part, { force: true })
    throw new DownloadError(
      `checksum mismatch: got md5 ${md5} over ${received} bytes, the publisher's is ${file.md5}; the file was ` +
        'damaged in transit or changed at the source',
      'checksum',
    )
  }
  report(true)
  await rename(part, destination)
}

/**
 * Follows redirects by hand so each hop is checked: the same scheme, or http to https; never a
 * downgrade to http or a jump to another scheme (file:, data:, ftp:…).
 */
async function fetchFollowing(
  fetchImpl: FetchLike,
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string> },
): Promise<Response> {
  let current = new URL(url)
  for (let hop = 0; ; hop++) {
    const response = await fetchImpl(current.href, { ...init, redirect: 'manual' })
    const location = response.headers.get('location')
    if (response.status < 300 || response.status >= 400 || location === null) return response
    await response.body?.cancel().catch(() => {})
    if (hop >= maxRedirects)
      throw new DownloadError(`more than ${maxRedirects} redirects from ${url}`, 'redirect')
    let next: URL
    try {
      next = new URL(location, current)
    } catch {
      throw new DownloadError(`refused a redirect to "${location.slice(0, 200)}": not a URL`, 'redirect')
    }
    const sameScheme = next.protocol === current.protocol
    const upgrade = current.protocol === 'http:' && next.protocol === 'https:'
    if (!sameScheme && !upgrade) {
      throw new DownloadError(
        `refused a redirect from ${current.href} to ${next.href}: only http→https or same-scheme redirects are followed`,
        'redirect',
      )
    }
    current = next
  }
}

function tooLarge(url: string, bytes: number, limitBytes: number): DownloadError {
  return new DownloadError(
    `${url} sends ${bytes} bytes or more, but the published file has ${limitBytes}: refused (not the expected file)`,
    'too-large',
  )
}

function fileSystemError(error: unknown, part: string, received: number): Error {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DownloadError(
      `the disk holding ${dirname(part)} is full (after ${received} bytes): free some space there, or download ` +
        'into another folder (--dir, or set CHASE_WORKBENCH_DATA)',
      'disk-full',
      part,
    )
  }
  return error as Error
}

/** The first byte of a 206 answer's Content-Range ("bytes 100-199/200" → 100), or null. */
function rangeStart(response: Response): number | null {
  const match = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')
  return match ? Number(match[1]) : null
}

async function sizeOf(path: string): Promise<number> {
  try {
    const info = await stat(path)
    return info.isFile() ? info.size : 0
  } catch {
    return 0
  }
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
}

async function md5OfFile(path: string): Promise<string | null> {
  if ((await sizeOf(path)) === 0) return null
  const hash = createHash('md5')
  await hashFile(path, hash)
  return hash.digest('hex')
}

/** "getaddrinfo ENOTFOUND host" rather than undici's bare "fetch failed". */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  if (cause?.message) return cause.message
  if (cause?.code) return cause.code
  return (error as Error).message ?? String(error)
}
