import { createHash } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import { DatasetError } from './datasetError'
import type { SourceFile } from './datasetSources'

/** One progress report of a download (throttled to about ten a second, plus one when a file is done). */
export interface DownloadProgress {
  readonly file: string
  readonly url: string
  readonly receivedBytes: number
  /** From Content-Length, else the published size, else null. */
  readonly totalBytes: number | null
  readonly bytesPerSecond: number
  readonly done: boolean
}

/** The part of `fetch` we use: injectable so tests can run the whole path against a local server. */
export type FetchLike = (url: string, init: { signal: AbortSignal }) => Promise<Response>

export interface DownloadOptions {
  readonly fetch?: FetchLike
  readonly onProgress?: (progress: DownloadProgress) => void
  /** Give up on a mirror that sends nothing for this long. Default 30 s. */
  readonly idleTimeoutMs?: number
}

/** Why a download failed: `offline` when no mirror could be reached at all. */
export class DownloadError extends DatasetError {
  constructor(
    message: string,
    readonly reason: 'offline' | 'http' | 'checksum' | 'stalled',
    path?: string,
  ) {
    super(message, path)
  }
}

/**
 * Downloads one published file to `destination`, trying its mirrors in order, streaming to
 * `destination.part` while computing its MD5, and renaming only when the checksum matches.
 */
export async function downloadFile(
  file: SourceFile,
  destination: string,
  options: DownloadOptions = {},
): Promise<void> {
  const failures: { url: string; reason: DownloadError['reason']; detail: string }[] = []
  for (const url of file.urls) {
    try {
      await downloadFrom(url, file, destination, options)
      return
    } catch (error) {
      if (!(error instanceof DownloadError)) throw error
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
  const fetchImpl: FetchLike = options.fetch ?? ((u, init) => fetch(u, init))
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000
  const controller = new AbortController()
  let idle = setTimeout(() => controller.abort(), idleTimeoutMs)
  const touch = () => {
    clearTimeout(idle)
    idle = setTimeout(() => controller.abort(), idleTimeoutMs)
  }
  let response: Response
  try {
    response = await fetchImpl(url, { signal: controller.signal })
  } catch (error) {
    clearTimeout(idle)
    if (controller.signal.aborted)
      throw new DownloadError(`no answer in ${idleTimeoutMs / 1000} s`, 'offline')
    throw new DownloadError(networkReason(error), 'offline')
  }
  if (!response.ok || response.body === null) {
    clearTimeout(idle)
    throw new DownloadError(`the server answered ${response.status} ${response.statusText}`.trim(), 'http')
  }
  const header = Number(response.headers.get('content-length'))
  const totalBytes = Number.isFinite(header) && header > 0 ? header : file.bytes || null
  const part = `${destination}.part`
  const hash = createHash('md5')
  const handle = await open(part, 'w')
  const started = performance.now()
  let received = 0
  let lastReport = 0
  const report = (done: boolean) => {
    const seconds = (performance.now() - started) / 1000
    const bytesPerSecond = seconds > 0 ? received / seconds : 0
    options.onProgress?.({ file: file.name, url, receivedBytes: received, totalBytes, bytesPerSecond, done })
  }
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      touch()
      hash.update(chunk)
      await handle.write(chunk)
      received += chunk.length
      if (performance.now() - lastReport > 100) {
        lastReport = performance.now()
        report(false)
      }
    }
  } catch (error) {
    await handle.close()
    await rm(part, { force: true })
    if (controller.signal.aborted) {
      throw new DownloadError(
        `stalled: no data for ${idleTimeoutMs / 1000} s after ${received} bytes`,
        'stalled',
      )
    }
    throw new DownloadError(
      `the connection broke after ${received} bytes (${networkReason(error)})`,
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

/** "getaddrinfo ENOTFOUND host" rather than undici's bare "fetch failed". */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  if (cause?.message) return cause.message
  if (cause?.code) return cause.code
  return (error as Error).message ?? String(error)
}
