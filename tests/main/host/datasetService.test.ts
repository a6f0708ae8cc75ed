import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ApiError } from '../../../src/shared/api/apiError'
import type { PushEvent } from '../../../src/shared/api/pushEvents'
import type { DatasetDownload } from '../../../src/shared/data/datasetStatus'
import { datasetTaskEntry } from '../../../src/main/host/datasetService'
import { forkTrainerLauncher } from '../../../src/main/host/forkTrainerLauncher'
import { startDataMirror, type DataMirror, type MirrorFault } from '../../support/dataMirror'
import { tempDataDir, testHost } from './hostHarness'

const fashionFixture = resolve(import.meta.dirname, '../../fixtures/data/fashion-mnist')

const cleanups: (() => Promise<unknown> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A host on a machine without datasets whose dataset tasks fetch from a loopback mirror. */
async function setup(fault?: MirrorFault) {
  const mirror: DataMirror = await startDataMirror(fault ? { fault } : {})
  const t = tempDataDir()
  const root = join(t.dir, 'datasets')
  const host = testHost(
    t.dir,
    {},
    {
      datasetLauncher: forkTrainerLauncher({
        entry: datasetTaskEntry,
        env: {
          CHASE_WORKBENCH_DATA: root,
          CHASE_WORKBENCH_DATA_ONLY: '1',
          CHASE_WORKBENCH_DATA_MIRROR: mirror.url,
          HTTP_PROXY: '',
          HTTPS_PROXY: '',
          http_proxy: '',
          https_proxy: '',
        },
      }),
    },
  )
  const events: DatasetDownload[] = []
  const client = host.hub.connect((event: PushEvent) => {
    if (event.type === 'datasetChanged') events.push(event.download)
  })
  cleanups.push(
    t.cleanup,
    () => host.close(5_000),
    () => mirror.close(),
    () => client.close(),
  )
  const call = (method: string, params: unknown) => host.api.call(method, params, { client })
  return { host, mirror, root, events, call }
}

/** Resolves with the download's first record in one of `states`. */
function ended(events: DatasetDownload[], states: DatasetDownload['state'][], timeoutMs = 60_000) {
  return new Promise<DatasetDownload>((resolve, reject) => {
    const started = Date.now()
    const poll = setInterval(() => {
      const end = events.find((e) => states.includes(e.state))
      if (end) {
        clearInterval(poll)
        resolve(end)
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll)
        reject(
          new Error(
            `no ${states.join('/')} event in ${timeoutMs / 1000} s: ${JSON.stringify(events.at(-1))}`,
          ),
        )
      }
    }, 50)
  })
}

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail')
    },
    (error: unknown) => error as ApiError,
  )
}

type Listing = {
  datasets: { name: string; status: string; folder: string | null }[]
  downloads: DatasetDownload[]
  dataRoot: string
  mirror: string | null
}

describe('datasets over the API (host, dataset task processes, loopback mirror)', () => {
  it('lists the four datasets as missing, then downloads one with progress and lists it as installed', async () => {
    const { root, mirror, events, call } = await setup()
    const before = (await call('datasets.list', {})) as Listing
    expect(before.datasets.map((d) => [d.name, d.status])).toEqual([
      ['cifar10', 'missing'],
      ['cifar100', 'missing'],
      ['mnist', 'missing'],
      ['fashion-mnist', 'missing'],
    ])
    expect(before.dataRoot).toBe(root)
    expect(before.mirror).toBe(mirror.url)
    const started = (await call('datasets.download', { name: 'fashion-mnist' })) as DatasetDownload
    expect(started.state).toBe('downloading')
    const end = await ended(events, ['done', 'failed'])
    expect(end.message).toContain('Fashion-MNIST installed in')
    expect(end.state).toBe('done')
    expect(end.folder).toBe(join(root, 'fashion-mnist'))
    const progress = events.filter((e) => e.state === 'downloading' && e.totalBytes !== null)
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)!.totalBytes).toBe(end.totalBytes)
    const after = (await call('datasets.list', {})) as Listing
    expect(after.datasets.find((d) => d.name === 'fashion-mnist')).toMatchObject({ status: 'found' })
    expect(after.downloads).toEqual([end])
  }, 120_000)

  it('cancels a download, keeps what arrived, and resumes it on the next download', async () => {
    const { root, mirror, events, call } = await setup('slow')
    await call('datasets.download', { name: 'fashion-mnist' })
    // Wait for bytes to arrive, then cancel.
    await new Promise<void>((resolve, reject) => {
      const started = Date.now()
      const poll = setInterval(() => {
        if (events.some((e) => e.receivedBytes > 0)) {
          clearInterval(poll)
          resolve()
        } else if (Date.now() - started > 60_000) {
          clearInterval(poll)
          reject(new Error(`no bytes reported in 60 s: ${JSON.stringify(events)}`))
        }
      }, 50)
    })
    const again = await apiError(call('datasets.download', { name: 'fashion-mnist' }))
    expect(again.code).toBe('conflict')
    const cancelled = (await call('datasets.cancel', { name: 'fashion-mnist' })) as DatasetDownload
    expect(cancelled.state).toBe('cancelled')
    expect(cancelled.message).toMatch(/next download resumes/)
    expect((await readdir(root)).filter((n) => !n.startsWith('.'))).toEqual([])
    mirror.setFault(null)
    events.splice(0)
    await call('datasets.download', { name: 'fashion-mnist' })
    expect((await ended(events, ['done', 'failed'])).state).toBe('done')
    expect(mirror.requests.some((r) => / bytes=[1-9]\d*-$/.test(r))).toBe(true)
    expect(await readdir(root)).toEqual(['fashion-mnist'])
    expect((await apiError(call('datasets.cancel', { name: 'fashion-mnist' }))).code).toBe('not-found')
  }, 120_000)

  it('reports a failed download with its reason and the manual steps', async () => {
    const { root, events, call } = await setup('wrong-checksum')
    await call('datasets.download', { name: 'fashion-mnist' })
    const end = await ended(events, ['done', 'failed'])
    expect(end.state).toBe('failed')
    expect(end.message).toMatch(/checksum mismatch[\s\S]*To install Fashion-MNIST by hand/)
    expect(await readdir(root).catch(() => [])).toEqual([])
  }, 120_000)

  it('uses a folder the user has after checking it, and refuses a bad one with the reason', async () => {
    const { call } = await setup()
    const relative = await apiError(call('datasets.useFolder', { name: 'fashion-mnist', folder: 'data/x' }))
    expect(relative.code).toBe('invalid-request')
    expect(JSON.stringify(relative.issues)).toContain('give the full path of a folder on the host')
    const wrong = await apiError(
      call('datasets.useFolder', {
        name: 'mnist',
        folder: resolve(fashionFixture, '../cifar-10-batches-bin'),
      }),
    )
    expect(wrong.code).toBe('invalid-request')
    expect(wrong.message).toMatch(/train-images/)
    const used = (await call('datasets.useFolder', { name: 'fashion-mnist', folder: fashionFixture })) as {
      status: string
      folder: string
    }
    expect(used).toMatchObject({ status: 'found', folder: fashionFixture })
    const listing = (await call('datasets.list', {})) as Listing
    expect(listing.datasets.find((d) => d.name === 'fashion-mnist')?.folder).toBe(fashionFixture)
    expect((await apiError(call('datasets.download', { name: 'imagenet' }))).code).toBe('invalid-request')
  }, 120_000)
})
