import { mkdir, readdir, symlink, cp } from 'node:fs/promises'
import { createServer, request as httpRequest, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { downloadDataset, locateDataset, useDatasetFolder } from '../../../src/trainer/data/datasetManager'
import { DownloadError, type DownloadProgress } from '../../../src/trainer/data/download'
import { readMnistFolder } from '../../../src/trainer/data/mnistFolder'
import { readCifarFolder } from '../../../src/trainer/data/cifarBinary'
import { startDataMirror, type DataMirror } from '../../support/dataMirror'
import { cifarFixture, CIFAR_FIXTURE, fashionFixture, FASHION_FIXTURE, tempDir } from './testData'

const mirrors: DataMirror[] = []
const servers: Server[] = []
afterEach(async () => {
  await Promise.all(mirrors.splice(0).map((m) => m.close()))
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections()
      return new Promise((resolve) => s.close(resolve))
    }),
  )
})

async function mirror(): Promise<DataMirror> {
  const started = await startDataMirror()
  mirrors.push(started)
  return started
}

/** Options for a data root that holds nothing yet, fetching from `mirrorUrl` and nowhere else. */
function fresh(root: string, mirrorUrl: string, extra: NodeJS.ProcessEnv = {}) {
  const env = {
    CHASE_WORKBENCH_DATA: root,
    CHASE_WORKBENCH_DATA_ONLY: '1',
    CHASE_WORKBENCH_DATA_MIRROR: mirrorUrl,
    ...extra,
  }
  // Generous: a loaded machine may pause a healthy transfer; only the stall test shortens it.
  return { env, idleTimeoutMs: 60_000 }
}

/** What the workbench would find in `root`: only hidden staging folders may be left by a failure. */
async function visibleEntries(root: string): Promise<string[]> {
  return (await readdir(root)).filter((name) => !name.startsWith('.'))
}

async function downloadFailure(promise: Promise<unknown>): Promise<DownloadError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DownloadError)
  return error as DownloadError
}

describe('downloads from a mirror (CHASE_WORKBENCH_DATA_MIRROR)', () => {
  it('installs Fashion-MNIST from the mirror with its manifest checksums, reporting progress', async () => {
    const root = await tempDir()
    const m = await mirror()
    const progress: DownloadProgress[] = []
    const plan: { name: string; bytes: number }[] = []
    const options = {
      ...fresh(root, m.url),
      onProgress: (p: DownloadProgress) => progress.push(p),
      onPlan: (f: readonly { name: string; bytes: number }[]) => plan.push(...f),
    }
    const before = await locateDataset('fashion-mnist', options)
    expect(before.status).toBe('missing')
    expect(before.download?.host).toBe(new URL(m.url).host)
    const { folder } = await downloadDataset('fashion-mnist', options)
    expect(folder).toBe(join(root, 'fashion-mnist'))
    const read = await readMnistFolder(folder, 'fashion-mnist')
    expect(read.train.count).toBe(FASHION_FIXTURE.train)
    expect(read.test.count).toBe(FASHION_FIXTURE.test)
    expect(plan.map((f) => f.name).sort()).toHaveLength(4)
    expect(progress.filter((p) => p.done)).toHaveLength(4)
    expect(m.requests).toContain('GET /fashion-mnist/manifest.json')
    expect((await locateDataset('fashion-mnist', options)).status).toBe('found')
    expect(await readdir(root)).toEqual(['fashion-mnist'])
  })

  it("installs CIFAR-10 from the mirror's archive", async () => {
    const root = await tempDir()
    const m = await mirror()
    const { folder } = await downloadDataset('cifar10', fresh(root, m.url))
    const read = await readCifarFolder(folder, 'cifar10')
    expect(read.train.count).toBe(CIFAR_FIXTURE.train)
    expect(await visibleEntries(root)).toEqual(['cifar-10-batches-bin'])
  })

  it('never replaces a good copy: nothing is fetched when the dataset is installed', async () => {
    const root = await tempDir()
    const m = await mirror()
    await cp(fashionFixture, join(root, 'fashion-mnist'), { recursive: true })
    const { notes } = await downloadDataset('fashion-mnist', fresh(root, m.url))
    expect(notes.join('\n')).toMatch(/already installed/)
    expect(m.requests.filter((r) => r.endsWith('.gz'))).toEqual([])
  })
})

describe('download faults end with a clear message and nothing where data is looked for', () => {
  it('a wrong checksum', async () => {
    const root = await tempDir()
    const m = await mirror()
    m.setFault('wrong-checksum')
    const error = await downloadFailure(downloadDataset('fashion-mnist', fresh(root, m.url)))
    expect(error.reason).toBe('checksum')
    expect(error.message).toMatch(/checksum mismatch.*damaged in transit/s)
    expect(error.message).toMatch(/To install Fashion-MNIST by hand/)
    expect(await readdir(root)).toEqual([])
  })

  it('a truncated file (a clean answer, half the bytes)', async () => {
    const root = await tempDir()
    const m = await mirror()
    m.setFault('truncated')
    const error = await downloadFailure(downloadDataset('fashion-mnist', fresh(root, m.url)))
    expect(error.reason).toBe('checksum')
    expect(await readdir(root)).toEqual([])
  })

  it('a server that sends more than the published size', async () => {
    const root = await tempDir()
    const m = await mirror()
    m.setFault('oversize')
    const error = await downloadFailure(downloadDataset('fashion-mnist', fresh(root, m.url)))
    expect(error.reason).toBe('too-large')
    expect(error.message).toMatch(/published file has \d+.*refused/)
    expect(await readdir(root)).toEqual([])
  })

  it('a redirect to another scheme', async () => {
    const root = await tempDir()
    const m = await mirror()
    m.setFault('redirect-scheme')
    const error = await downloadFailure(downloadDataset('fashion-mnist', fresh(root, m.url)))
    expect(error.reason).toBe('redirect')
    expect(error.message).toMatch(/refused a redirect .* to file:\/\/\/etc\/passwd/)
    expect(await readdir(root)).toEqual([])
  })

  it('a slow server that stops sending: stalled, then resumed from where it stopped', async () => {
    const root = await tempDir()
    const m = await mirror()
    m.setFault('slow')
    const error = await downloadFailure(
      downloadDataset('fashion-mnist', { ...fresh(root, m.url), idleTimeoutMs: 1_000 }),
    )
    expect(error.reason).toBe('stalled')
    expect(error.message).toMatch(/no data for 1 s after \d+ bytes \(kept; the next try resumes\)/)
    expect(await visibleEntries(root)).toEqual([])
    expect((await locateDataset('fashion-mnist', fresh(root, m.url))).status).toBe('missing')
    m.setFault(null)
    await downloadDataset('fashion-mnist', fresh(root, m.url))
    expect(m.requests.some((r) => /\.gz bytes=\d+-$/.test(r))).toBe(true)
    expect((await readMnistFolder(join(root, 'fashion-mnist'), 'fashion-mnist')).train.count).toBe(
      FASHION_FIXTURE.train,
    )
    expect(await readdir(root)).toEqual(['fashion-mnist'])
  })

  it('a connection dropped mid-way: the next try asks only for the rest (HTTP Range)', async () => {
    const root = await tempDir()
    const m = await mirror()
    m.setFault('dropped-once')
    const error = await downloadFailure(downloadDataset('fashion-mnist', fresh(root, m.url)))
    expect(error.reason).toBe('stalled')
    expect(error.message).toMatch(/connection broke after \d+ bytes/)
    expect(await visibleEntries(root)).toEqual([])
    // Each file breaks once, so it takes a try per file; every retry resumes instead of starting over.
    let tries = 1
    for (; tries < 6; tries++) {
      const done = await downloadDataset('fashion-mnist', fresh(root, m.url)).then(
        () => true,
        (e: unknown) => {
          expect((e as DownloadError).reason).toBe('stalled')
          return false
        },
      )
      if (done) break
    }
    expect(tries).toBeLessThanOrEqual(5)
    const first = m.requests.find((r) => r.startsWith('GET /fashion-mnist/t10k-images'))!
    expect(first).toBe('GET /fashion-mnist/t10k-images-idx3-ubyte.gz')
    expect(m.requests).toContainEqual(
      expect.stringMatching(/^GET \/fashion-mnist\/t10k-images-idx3-ubyte\.gz bytes=[1-9]\d*-$/),
    )
    expect(await readdir(root)).toEqual(['fashion-mnist'])
  })

  it('a full disk', async () => {
    const root = await tempDir()
    const m = await mirror()
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    const staging = join(root, '.fashion-mnist.download')
    await mkdir(staging, { recursive: true })
    for (const name of await readdir(fashionFixture))
      await symlink('/dev/full', join(staging, `${name}.part`))
    const error = await downloadFailure(downloadDataset('fashion-mnist', fresh(root, m.url)))
    expect(error.reason).toBe('disk-full')
    expect(error.message).toMatch(/is full .*free some space there, or download into another folder/s)
    expect(await readdir(root)).toEqual([])
  })

  it('an unreachable mirror: offline, with the manual steps', async () => {
    const root = await tempDir()
    const m = await mirror()
    const url = m.url
    await m.close()
    mirrors.splice(0)
    const error = await downloadFailure(downloadDataset('fashion-mnist', fresh(root, url)))
    expect(error.reason).toBe('offline')
    expect(error.message).toMatch(/cannot be reached/)
    expect(error.message).toMatch(/sudo apt-get install dataset-fashion-mnist/)
    expect(await readdir(root)).toEqual([])
  })

  it('a mirror URL that is not http(s) is refused with what to set', async () => {
    const root = await tempDir()
    const error = await downloadFailure(
      downloadDataset('fashion-mnist', fresh(root, 'ftp://example.org/data')),
    )
    expect(error.message).toMatch(/CHASE_WORKBENCH_DATA_MIRROR must be an http or https URL/)
  })
})

describe('a proxy from the environment', () => {
  /** A forward proxy on loopback: proxied GETs and CONNECT tunnels, each one logged. */
  async function proxy(): Promise<{ url: string; seen: string[] }> {
    const seen: string[] = []
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      const target = new URL(req.url!)
      const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      upstream.on('error', () => res.destroy())
      req.pipe(upstream)
    })
    server.on('connect', (req, client: Socket, head) => {
      seen.push(`CONNECT ${req.url}`)
      const [host, port] = (req.url ?? '').split(':')
      const upstream = connect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
      upstream.on('error', () => client.destroy())
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
  }

  it('tunnels through HTTP_PROXY (CONNECT) when one is set', async () => {
    const root = await tempDir()
    const m = await mirror()
    const p = await proxy()
    await downloadDataset('fashion-mnist', fresh(root, m.url, { HTTP_PROXY: p.url }))
    expect(p.seen).toContain(`CONNECT ${new URL(m.url).host}`)
    // Every request went through the tunnel: the mirror saw the manifest and the four files.
    expect(m.requests.filter((r) => r.endsWith('.gz'))).toHaveLength(4)
    expect(await readdir(root)).toEqual(['fashion-mnist'])
  })

  it('uses https_proxy (lower case) for https URLs', async () => {
    const p = await proxy()
    const root = await tempDir()
    // The tunnel opens; TLS to this plain-http mirror then fails, which is all this test needs to see.
    const m = await mirror()
    const httpsMirror = m.url.replace('http:', 'https:')
    await downloadFailure(
      downloadDataset('fashion-mnist', { ...fresh(root, httpsMirror, { https_proxy: p.url }) }),
    )
    expect(p.seen).toContain(`CONNECT ${new URL(m.url).host}`)
    expect(await readdir(root)).toEqual([])
  })

  it('skips the proxy for hosts NO_PROXY names', async () => {
    const root = await tempDir()
    const m = await mirror()
    const p = await proxy()
    await downloadDataset('fashion-mnist', fresh(root, m.url, { HTTP_PROXY: p.url, NO_PROXY: '127.0.0.1' }))
    expect(p.seen).toEqual([])
  })
})

describe('useDatasetFolder', () => {
  it('accepts a readable copy and looks there first from then on', async () => {
    const root = await tempDir()
    const elsewhere = join(await tempDir(), 'my-fashion')
    await cp(fashionFixture, elsewhere, { recursive: true })
    const options = { env: { CHASE_WORKBENCH_DATA: root, CHASE_WORKBENCH_DATA_ONLY: '1' } }
    const status = await useDatasetFolder('fashion-mnist', elsewhere, options)
    expect(status.status).toBe('found')
    expect(status.folder).toBe(elsewhere)
    expect((await locateDataset('fashion-mnist', options)).folder).toBe(elsewhere)
  })

  it('refuses a folder that does not hold the dataset, saying why, and records nothing', async () => {
    const root = await tempDir()
    const options = { env: { CHASE_WORKBENCH_DATA: root, CHASE_WORKBENCH_DATA_ONLY: '1' } }
    await expect(useDatasetFolder('fashion-mnist', cifarFixture, options)).rejects.toThrow(/train-images/)
    await expect(useDatasetFolder('fashion-mnist', join(root, 'nope'), options)).rejects.toThrow(
      /is not a folder/,
    )
    expect(await readdir(root)).toEqual([])
  })
})
