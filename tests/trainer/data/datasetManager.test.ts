import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readCifarFolder } from '../../../src/trainer/data/cifarBinary'
import { downloadDataset, findDatasets, locateDataset } from '../../../src/trainer/data/datasetManager'
import { datasetSources, type DatasetSource } from '../../../src/trainer/data/datasetSources'
import { DownloadError, type DownloadProgress } from '../../../src/trainer/data/download'
import { readMnistFolder } from '../../../src/trainer/data/mnistFolder'
import { extractTarGz } from '../../../src/trainer/data/tarGz'
import { cifarFixture, cifarRecords, fashionFixture, tarGz, tempDir } from './testData'

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex')

/** A file server on 127.0.0.1 (the only network these tests use). */
const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})
async function serve(files: Record<string, Uint8Array>): Promise<string> {
  const server = createServer((request, response) => {
    const body = files[request.url ?? '']
    if (body === undefined) {
      response.writeHead(404).end('not here')
      return
    }
    response.writeHead(200, { 'content-length': body.length })
    // Two writes, so the client sees the body arrive in parts.
    response.write(body.subarray(0, body.length >> 1))
    setTimeout(() => response.end(body.subarray(body.length >> 1)), 5)
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function fashionSource(base: string | string[], corrupt = false): Promise<DatasetSource> {
  const names = await readdir(fashionFixture)
  const files = await Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(fashionFixture, name))
      const bases = Array.isArray(base) ? base : [base]
      return {
        name,
        urls: bases.map((b) => `${b}/${name}`),
        md5: corrupt ? '0'.repeat(32) : md5(bytes),
        bytes: bytes.length,
      }
    }),
  )
  return { ...datasetSources['fashion-mnist'], files }
}
async function fashionFiles(): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {}
  for (const name of await readdir(fashionFixture))
    out[`/${name}`] = await readFile(join(fashionFixture, name))
  return out
}

/** A fetch that fails like Node's does when DNS has no answer (this machine offline). */
const offlineFetch = async (): Promise<Response> => {
  throw new TypeError('fetch failed', {
    cause: Object.assign(new Error('getaddrinfo ENOTFOUND example.org'), { code: 'ENOTFOUND' }),
  })
}

describe('downloadDataset', () => {
  it('downloads each file with progress, checks its md5 and installs the folder', async () => {
    const root = await tempDir()
    const base = await serve(await fashionFiles())
    const progress: DownloadProgress[] = []
    const { folder, notes } = await downloadDataset('fashion-mnist', {
      root,
      source: await fashionSource(base),
      onProgress: (p) => progress.push(p),
    })
    expect(folder).toBe(join(root, 'fashion-mnist'))
    expect((await readMnistFolder(folder, 'fashion-mnist')).train.count).toBe(600)
    expect(await readdir(root)).toEqual(['fashion-mnist']) // no staging left behind
    const done = progress.filter((p) => p.done)
    expect(done.map((p) => p.file).sort()).toEqual((await readdir(fashionFixture)).sort())
    for (const p of done) expect(p.receivedBytes).toBe(p.totalBytes)
    expect(notes.join('\n')).toMatch(/md5 checked/)
  })

  it('tries the next mirror when one answers 404', async () => {
    const root = await tempDir()
    const good = await serve(await fashionFiles())
    const empty = await serve({})
    const { folder } = await downloadDataset('fashion-mnist', {
      root,
      source: await fashionSource([empty, good]),
    })
    expect((await readMnistFolder(folder, 'fashion-mnist')).test.count).toBe(200)
  })

  it('refuses a file whose md5 differs and leaves nothing installed', async () => {
    const root = await tempDir()
    const base = await serve(await fashionFiles())
    const error = await downloadDataset('fashion-mnist', {
      root,
      source: await fashionSource(base, true),
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DownloadError)
    expect((error as DownloadError).reason).toBe('checksum')
    expect((error as DownloadError).message).toMatch(
      /checksum mismatch: got md5 [0-9a-f]{32} over \d+ bytes, the publisher's is 0{32}/,
    )
    expect(await readdir(root)).not.toContain('fashion-mnist')
  })

  it('offline, says so and gives the manual steps with the published URLs and checksums', async () => {
    const root = await tempDir()
    const error = await downloadDataset('fashion-mnist', { root, fetch: offlineFetch }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(DownloadError)
    const { message, reason } = error as DownloadError
    expect(reason).toBe('offline')
    expect(message).toContain('Could not reach any mirror of train-images-idx3-ubyte.gz')
    expect(message).toContain('getaddrinfo ENOTFOUND')
    expect(message).toContain('this machine looks offline')
    expect(message).toContain('To install Fashion-MNIST by hand:')
    expect(message).toContain('1. On Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist')
    expect(message).toContain(
      'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-images-idx3-ubyte.gz  (26.4 MB, md5 8d4fb7e6c68d591d4c3dfef9ec88bf0d)',
    )
    expect(message).toContain(`into ${join(root, 'fashion-mnist')}`)
  })

  it('offline for CIFAR-10, gives the archive, its md5 and the tar command', async () => {
    const root = await tempDir()
    const error = await downloadDataset('cifar10', { root, fetch: offlineFetch }).catch((e: unknown) => e)
    const message = (error as Error).message
    expect(message).toContain(
      'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz  (170.1 MB, md5 c32a1d4ab5d03f1284b67883e8d87530)',
    )
    expect(message).toContain(`tar -xzf cifar-10-binary.tar.gz -C ${root}`)
  })

  it('treats a refused connection as offline', async () => {
    const root = await tempDir()
    const closed = await serve({})
    await new Promise((resolve) => servers.pop()!.close(resolve))
    const source = await fashionSource(closed)
    const error = await downloadDataset('fashion-mnist', { root, source }).catch((e: unknown) => e)
    expect((error as DownloadError).reason).toBe('offline')
    expect((error as Error).message).toMatch(/ECONNREFUSED/)
  })

  it('extracts a CIFAR archive into its folder, moving a broken previous one aside', async () => {
    const root = await tempDir()
    await mkdir(join(root, 'cifar-10-batches-bin'))
    const archive = tarGz({
      'cifar-10-batches-bin/data_batch_1.bin': cifarRecords([[1], [2], [3]]),
      'cifar-10-batches-bin/test_batch.bin': cifarRecords([[4]]),
      'cifar-10-batches-bin/readme.html': new TextEncoder().encode('<p>hi</p>'),
    })
    const base = await serve({ '/cifar-10-binary.tar.gz': archive })
    const source: DatasetSource = {
      ...datasetSources.cifar10,
      files: [
        {
          name: 'cifar-10-binary.tar.gz',
          urls: [`${base}/cifar-10-binary.tar.gz`],
          md5: md5(archive),
          bytes: archive.length,
        },
      ],
    }
    const { folder, notes } = await downloadDataset('cifar10', { root, source })
    const { train, test } = await readCifarFolder(folder, 'cifar10')
    expect([...train.labels]).toEqual([1, 2, 3])
    expect(test.count).toBe(1)
    expect(notes.join('\n')).toMatch(/previous .* was moved to .*old-/)
  })
})

describe('extractTarGz', () => {
  it('refuses a path that escapes the destination', async () => {
    const dir = await tempDir()
    const archive = join(dir, 'evil.tar.gz')
    await writeFile(archive, tarGz({ '../escape.txt': new Uint8Array(3) }))
    await expect(extractTarGz(archive, join(dir, 'out'))).rejects.toThrow(
      'holds the unsafe path "../escape.txt"',
    )
  })

  it('says a truncated archive is damaged', async () => {
    const dir = await tempDir()
    const archive = join(dir, 'cut.tar.gz')
    const whole = tarGz({ 'a/b.bin': new Uint8Array(200_000).map((_, i) => (i * 31) % 251) })
    await writeFile(archive, whole.subarray(0, whole.length - 40))
    await expect(extractTarGz(archive, join(dir, 'out'))).rejects.toThrow(/could not be extracted|truncated/)
  })
})

describe('locateDataset / findDatasets', () => {
  it('finds datasets under the search roots and summarises them', async () => {
    const root = await tempDir()
    await cp(cifarFixture, join(root, 'cifar-10-batches-bin'), { recursive: true })
    await cp(fashionFixture, join(root, 'FashionMNIST', 'raw'), { recursive: true })
    const all = await findDatasets({ roots: [root] })
    const byName = Object.fromEntries(all.map((s) => [s.name, s]))
    expect(byName.cifar10).toMatchObject({ status: 'found', folder: join(root, 'cifar-10-batches-bin') })
    expect(byName.cifar10!.summary).toBe('300 training + 100 test images (binary, a subset)')
    expect(byName['fashion-mnist']).toMatchObject({
      status: 'found',
      summary: '600 training + 200 test images (gzipped IDX)',
    })
    expect(byName.synthetic!.status).toBe('generated')
    expect(byName.mnist!.status).toBe('missing')
    expect(byName.mnist!.searched).toContain(join(root, 'mnist'))
    expect(byName.mnist!.manualSteps.join('\n')).toContain(
      'https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz',
    )
  })

  it('reports a folder that looks like the dataset but cannot be read, and why', async () => {
    const root = await tempDir()
    await mkdir(join(root, 'cifar-100-binary'))
    await writeFile(join(root, 'cifar-100-binary', 'train.bin'), new Uint8Array(3074 * 2 + 5))
    await writeFile(join(root, 'cifar-100-binary', 'test.bin'), new Uint8Array(3074))
    const status = await locateDataset('cifar100', { roots: [root] })
    expect(status.status).toBe('broken')
    expect(status.summary).toMatch(
      /train\.bin is 6,153 bytes, not a whole number of 3,074-byte CIFAR-100 records/,
    )
  })

  it('puts the data root first: CHASE_WORKBENCH_DATA, where downloads go', async () => {
    const root = await tempDir()
    await cp(fashionFixture, join(root, 'fashion-mnist'), { recursive: true })
    const status = await locateDataset('fashion-mnist', {
      env: { CHASE_WORKBENCH_DATA: root },
      home: root,
      cwd: root,
    })
    expect(status.folder).toBe(join(root, 'fashion-mnist'))
    expect(status.searched[0]).toBe(join(root, 'fashion-mnist'))
  })
})
