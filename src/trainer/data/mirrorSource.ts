import { z } from 'zod'
import type { DatasetSource } from './datasetSources'
import { DownloadError, type FetchLike } from './download'
import { proxyAwareFetch } from './proxyFetch'

/**
 * A mirror replaces the publishers (`CHASE_WORKBENCH_DATA_MIRROR=https://mirror.example/datasets/`, for a
 * machine behind a firewall, or the tests' loopback server). It holds each dataset's files under the
 * dataset's folder name (`<mirror>/fashion-mnist/train-images-idx3-ubyte.gz`,
 * `<mirror>/cifar-10-batches-bin/cifar-10-binary.tar.gz`). A mirror of the published files needs nothing
 * else; one holding other files (a subset, say) serves `<folder>/manifest.json`, `{ "files": [{ "name",
 * "md5", "bytes" }] }`, whose checksums and sizes then replace the publisher's.
 */
export const mirrorVariable = 'CHASE_WORKBENCH_DATA_MIRROR'

export function mirrorBase(env: NodeJS.ProcessEnv = process.env): string | null {
  const value = env[mirrorVariable]?.trim()
  if (!value) return null
  let url: URL
  try {
    url = new URL(value.endsWith('/') ? value : `${value}/`)
  } catch {
    throw new DownloadError(
      `${mirrorVariable}="${value}" is not a URL: set it to http(s)://host/path/`,
      'http',
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new DownloadError(`${mirrorVariable} must be an http or https URL, not ${url.protocol}`, 'http')
  return url.href
}

/** The source with every file fetched from the mirror (the publisher's checksums and sizes kept). */
export function withMirror(source: DatasetSource, base: string | null): DatasetSource {
  if (base === null) return source
  return {
    ...source,
    files: source.files.map((f) => ({ ...f, urls: [new URL(`${source.folder}/${f.name}`, base).href] })),
  }
}

const MirrorManifest = z.object({
  files: z
    .array(
      z.object({
        name: z.string().regex(/^[\w.-]+$/, 'a plain file name'),
        md5: z.string().regex(/^[0-9a-f]{32}$/),
        bytes: z.number().int().positive(),
      }),
    )
    .min(1),
})

/** The source to download from: the publisher's, or the mirror's with its manifest applied. */
export async function resolveSource(
  source: DatasetSource,
  options: { env?: NodeJS.ProcessEnv; fetch?: FetchLike } = {},
): Promise<DatasetSource> {
  const env = options.env ?? process.env
  const base = mirrorBase(env)
  if (base === null) return source
  const mirrored = withMirror(source, base)
  const manifestUrl = new URL(`${source.folder}/manifest.json`, base).href
  const fetchImpl = options.fetch ?? proxyAwareFetch(env)
  let response: Response
  try {
    response = await fetchImpl(manifestUrl, {
      signal: AbortSignal.timeout(30_000),
      headers: {},
      redirect: 'manual',
    })
  } catch (error) {
    throw new DownloadError(
      `the mirror ${base} (${mirrorVariable}) cannot be reached: ${(error as Error).message}`,
      'offline',
    )
  }
  if (response.status === 404) {
    await response.body?.cancel().catch(() => {})
    return mirrored
  }
  const text = response.ok ? await response.text() : ''
  let parsed: z.infer<typeof MirrorManifest>
  try {
    parsed = MirrorManifest.parse(JSON.parse(text))
  } catch (error) {
    throw new DownloadError(
      `the mirror's ${manifestUrl} is not a valid manifest (${response.status}; ${(error as Error).message.slice(0, 300)}): ` +
        "fix it, or remove it to use the publisher's checksums",
      'http',
    )
  }
  return {
    ...mirrored,
    files: parsed.files.map((f) => ({ ...f, urls: [new URL(`${source.folder}/${f.name}`, base).href] })),
  }
}
