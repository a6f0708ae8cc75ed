import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { main } from '../../../../src/main/headless/cli'
import { startDataMirror, type DataMirror } from '../../../support/dataMirror'
import { captureIo } from '../cliIo'

const repo = resolve(import.meta.dirname, '../../../..')
const fashionFixture = join(repo, 'tests/fixtures/data/fashion-mnist')

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chase-data-cli-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function mirror(): Promise<DataMirror> {
  const m = await startDataMirror()
  cleanups.push(() => m.close())
  return m
}

/** A machine without any dataset: the data root is empty and nothing else is searched. */
async function freshMachine(mirrorUrl: string) {
  const root = await tempDir()
  const io = captureIo(root)
  for (const key of Object.keys(io.env)) if (/proxy/i.test(key)) delete io.env[key]
  Object.assign(io.env, {
    CHASE_WORKBENCH_DATA: root,
    CHASE_WORKBENCH_DATA_ONLY: '1',
    CHASE_WORKBENCH_DATA_MIRROR: mirrorUrl,
  })
  return { root, io }
}

describe('chase-workbench data', () => {
  it('lists every dataset as missing on a fresh machine, with how to get one', async () => {
    const m = await mirror()
    const { io } = await freshMachine(m.url)
    expect(await main(['data', 'list'], io)).toBe(0)
    expect(io.out()).toMatch(/^dataset +status +download +details$/m)
    for (const name of ['cifar10', 'cifar100', 'mnist', 'fashion-mnist'])
      expect(io.out()).toMatch(new RegExp(`^${name} +missing +[\\d.]+ MB`, 'm'))
    expect(io.out()).toContain('Get one with: chase-workbench data download')
  })

  it('downloads a dataset with a progress line, then lists it as installed (JSON)', async () => {
    const m = await mirror()
    const { root, io } = await freshMachine(m.url)
    expect(await main(['data', 'download', 'fashion-mnist'], io)).toBe(0)
    expect(io.out()).toBe(`${join(root, 'fashion-mnist')}\n`)
    expect(io.err()).toMatch(/train-images-idx3-ubyte\.gz \[#+\] 100% {2}0\.3\/0\.3 MB/)
    expect(io.err()).toContain(`Fashion-MNIST installed in ${join(root, 'fashion-mnist')}`)
    const listing = captureIo(root)
    Object.assign(listing.env, io.env)
    expect(await main(['data', 'list', '--json'], listing)).toBe(0)
    const statuses = JSON.parse(listing.out()) as { name: string; status: string; summary: string }[]
    expect(statuses.find((d) => d.name === 'fashion-mnist')).toMatchObject({
      status: 'found',
      summary: '600 training + 200 test images (gzipped IDX)',
    })
  })

  it('downloads into --dir and reads it from there afterwards', async () => {
    const m = await mirror()
    const { root, io } = await freshMachine(m.url)
    const elsewhere = await tempDir()
    expect(await main(['data', 'download', 'fashion-mnist', '--dir', elsewhere], io)).toBe(0)
    expect(io.out()).toBe(`${join(elsewhere, 'fashion-mnist')}\n`)
    expect(await readdir(root)).toEqual(['folders.json'])
    const listing = captureIo(root)
    Object.assign(listing.env, io.env)
    await main(['data', 'list', '--json'], listing)
    const statuses = JSON.parse(listing.out()) as { name: string; folder: string | null }[]
    expect(statuses.find((d) => d.name === 'fashion-mnist')?.folder).toBe(join(elsewhere, 'fashion-mnist'))
  })

  it('fails a damaged download with the reason and the manual steps, leaving nothing installed', async () => {
    const m = await mirror()
    m.setFault('wrong-checksum')
    const { root, io } = await freshMachine(m.url)
    expect(await main(['data', 'download', 'fashion-mnist'], io)).toBe(1)
    expect(io.err()).toMatch(/checksum mismatch/)
    expect(io.err()).toMatch(/To install Fashion-MNIST by hand/)
    expect(await readdir(root)).toEqual([])
  })

  it('uses a folder the user already has, after checking it', async () => {
    const m = await mirror()
    const { io } = await freshMachine(m.url)
    expect(await main(['data', 'use', 'fashion-mnist', fashionFixture], io)).toBe(0)
    expect(io.out()).toBe(
      `Fashion-MNIST: 600 training + 200 test images (gzipped IDX), read from ${fashionFixture}\n`,
    )
    const bad = captureIo(io.cwd)
    Object.assign(bad.env, io.env)
    expect(
      await main(['data', 'use', 'mnist', join(repo, 'tests/fixtures/data/cifar-10-batches-bin')], bad),
    ).toBe(1)
    expect(bad.err()).toMatch(/chase-workbench data: .*train-images/)
  })

  it('says what is wrong with a bad name or subcommand', async () => {
    const m = await mirror()
    const { io } = await freshMachine(m.url)
    expect(await main(['data', 'download', 'imagenet'], io)).toBe(2)
    expect(io.err()).toContain('name a dataset: cifar10, cifar100, mnist or fashion-mnist (got "imagenet")')
    expect(await main(['data', 'fetch'], io)).toBe(2)
    expect(io.err()).toContain('unknown subcommand "fetch"')
  })
})

describe('chase-workbench train --download', () => {
  it('on a machine without the dataset, downloads it from the mirror and trains the run to the end', async () => {
    const m = await mirror()
    const { root, io } = await freshMachine(m.url)
    const args = [
      join(repo, 'bin/chase-workbench'),
      'train',
      '--preset',
      'quick-fashion-mnist',
      '--download',
      '--set',
      'data.trainLimit=300',
      '--set',
      'data.testLimit=100',
      '--set',
      'optim.epochs=1',
      '--set',
      'optim.batchSize=50',
      '--db',
      join(root, 'runs.db'),
      '--json',
    ]
    const child = spawn(process.execPath, args, { cwd: root, env: io.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const code = await new Promise<number | null>((done) => child.on('close', done))
    expect(err).toContain('Fashion-MNIST is not installed: downloading it first (--download)')
    expect(code, err).toBe(0)
    const result = JSON.parse(out.trim()) as { status: string; testAccuracy: number }
    expect(result.status).toBe('completed')
    expect(result.testAccuracy).toBeGreaterThan(0)
    expect((await readdir(root)).sort()).toContain('fashion-mnist')
    expect(m.requests.filter((r) => r.endsWith('.gz'))).toHaveLength(4)
  }, 300_000)
})
