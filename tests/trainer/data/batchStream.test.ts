import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { datasets } from '../../../src/shared/data/datasets'
import type { AugmentationSettings } from '../../../src/trainer/data/augment'
import {
  createBatchStream,
  createEvalStream,
  type Batch,
  type BatchStream,
  type BatchStreamOptions,
} from '../../../src/trainer/data/batchStream'
import { BatchStreamState } from '../../../src/trainer/data/batchStreamState'
import { readCifarFolder } from '../../../src/trainer/data/cifarBinary'
import { splitLabels, wholeSplit, type DataSplit } from '../../../src/trainer/data/split'
import { cifarFixture } from './testData'

const info = datasets.cifar10
const cifarAugmentation: AugmentationSettings = { crop: true, flip: true, padding: 4, paddingMode: 'reflect' }
let train: DataSplit
let test: DataSplit

beforeAll(async () => {
  const read = await readCifarFolder(cifarFixture, 'cifar10')
  train = wholeSplit('train', read.train)
  test = wholeSplit('test', read.test)
})

const open: BatchStream[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})
function stream(split: DataSplit, options: Partial<BatchStreamOptions> = {}): BatchStream {
  const s = createBatchStream(split, {
    batchSize: 64,
    seed: 41,
    normalization: info,
    augmentation: cifarAugmentation,
    prefetch: 0,
    ...options,
  })
  open.push(s)
  return s
}
async function take(s: BatchStream, n: number): Promise<Batch[]> {
  const out: Batch[] = []
  for (let i = 0; i < n; i++) out.push(await s.next())
  return out
}
function sameBatches(a: Batch[], b: Batch[]): void {
  expect(b.length).toBe(a.length)
  a.forEach((batch, i) => {
    expect([...b[i]!.labels]).toEqual([...batch.labels])
    expect(Buffer.from(b[i]!.images.buffer).equals(Buffer.from(batch.images.buffer))).toBe(true)
    expect([b[i]!.epoch, b[i]!.indexInEpoch]).toEqual([batch.epoch, batch.indexInEpoch])
  })
}

describe('BatchStream order', () => {
  it('delivers every image once per epoch, the last batch smaller, in a new order each epoch', async () => {
    const s = stream(train, { augmentation: undefined })
    expect(s.batchesPerEpoch).toBe(5) // 300 images: 4 × 64 + 44
    const batches = await take(s, 10)
    expect(batches.map((b) => b.size)).toEqual([64, 64, 64, 64, 44, 64, 64, 64, 64, 44])
    expect(batches.map((b) => b.lastInEpoch)).toEqual([
      false,
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      false,
      true,
    ])
    const epochLabels = (epoch: number) =>
      batches.filter((b) => b.epoch === epoch).flatMap((b) => [...b.labels])
    const sorted = [...splitLabels(train)].sort()
    expect([...epochLabels(0)].sort()).toEqual(sorted)
    expect([...epochLabels(1)].sort()).toEqual(sorted)
    expect(epochLabels(0)).not.toEqual(epochLabels(1))
  })

  it('gives each image its own label and normalised pixels, NHWC', async () => {
    const [batch] = await take(stream(test, { shuffle: false, augmentation: undefined }), 1)
    expect(batch!.shape).toEqual([64, 32, 32, 3])
    expect([...batch!.labels]).toEqual([...test.set.labels.subarray(0, 64)])
    const i = 10 * 3072 + (5 * 32 + 9) * 3 + 2 // image 10, row 5, column 9, blue
    expect(batch!.images[i]).toBeCloseTo((test.set.images[i]! / 255 - info.mean[2]!) / info.std[2]!, 5)
  })

  it('repeats the same batches for the same seed and shuffles differently for another', async () => {
    sameBatches(await take(stream(train), 3), await take(stream(train), 3))
    const other = await take(stream(train, { seed: 7 }), 1)
    const first = await take(stream(train), 1)
    expect([...other[0]!.labels]).not.toEqual([...first[0]!.labels])
  })

  it('drops the last smaller batch on request', async () => {
    const s = stream(train, { dropLast: true })
    expect(s.batchesPerEpoch).toBe(4)
    expect((await take(s, 5)).map((b) => b.size)).toEqual([64, 64, 64, 64, 64])
  })

  it('refuses a split smaller than one batch when dropping the last', () => {
    expect(() => stream(train, { batchSize: 301, dropLast: true })).toThrow('fewer than one batch of 301')
  })
})

describe('BatchStream resume', () => {
  for (const after of [3, 5, 7]) {
    it(`continues exactly after ${after} batches from a saved state (JSON round trip)`, async () => {
      const original = stream(train)
      await take(original, after)
      const saved: unknown = JSON.parse(JSON.stringify(original.state()))
      const expected = await take(original, 8)
      const resumed = stream(train, { state: BatchStreamState.parse(saved) })
      sameBatches(expected, await take(resumed, 8))
    })
  }

  it('reports the state after an epoch as the start of the next', async () => {
    const s = stream(train)
    const batches = await take(s, 5)
    expect(s.state()).toMatchObject({ epoch: 1, batchInEpoch: 0 })
    expect(batches[4]!.state).toEqual(s.state())
  })

  it('restores a live prefetching stream, discarding the batches it prepared ahead', async () => {
    const reference = stream(train)
    await take(reference, 2)
    const saved = reference.state()
    const expected = await take(reference, 4)
    const live = stream(train, { prefetch: 3 })
    await take(live, 6)
    live.restore(saved)
    sameBatches(expected, await take(live, 4))
  })

  it('refuses a state taken with another batch size', () => {
    const state = stream(train).state()
    expect(() => stream(train, { batchSize: 100, state })).toThrow(
      "The checkpoint's data position was taken with batch size 64 over 300 training images; this run has batch size 100 over 300",
    )
  })
})

describe('BatchStream prefetching', () => {
  it('prepares the same bytes in the worker as in the calling thread', async () => {
    const here = await take(stream(train, { prefetch: 0 }), 7)
    const ahead = stream(train, { prefetch: 2 })
    sameBatches(here, await take(ahead, 7))
    expect(ahead.stats().prefetchFallback).toBeNull()
  })

  it('has the next batch ready when a step longer than its preparation ends', async () => {
    const busy = (ms: number) => {
      const end = performance.now() + ms
      while (performance.now() < end);
    }
    const s = stream(train, { prefetch: 2, batchSize: 100 })
    await new Promise((resolve) => setTimeout(resolve, 100)) // the model would be built meanwhile
    for (let i = 0; i < 6; i++) {
      await s.next()
      busy(50) // a synchronous training step that never yields
    }
    // On a loaded machine the worker may miss a step or two; preparing in the calling thread stalls all six.
    expect(s.stats().stalls).toBeLessThanOrEqual(2)
    expect(s.stats().batches).toBe(6)
  })

  it('counts every batch as a stall without prefetching', async () => {
    const s = stream(train, { prefetch: 0 })
    await take(s, 3)
    expect(s.stats().stalls).toBe(3)
  })
})

describe('createEvalStream', () => {
  it('passes over the split in file order without augmentation', async () => {
    const s = createEvalStream(test, { batchSize: 30, normalization: info, prefetch: 1 })
    open.push(s)
    expect(s.batchesPerEpoch).toBe(4)
    const batches = await take(s, 4)
    expect(batches.flatMap((b) => [...b.labels])).toEqual([...test.set.labels])
    const i = 1234 // image 0, row 12, column 27, green
    expect(batches[0]!.images[i]).toBeCloseTo((test.set.images[i]! / 255 - info.mean[1]!) / info.std[1]!, 5)
  })
})

describe('a process whose only work is a prefetching stream', () => {
  it('finishes closing it while batches are still in flight (the worker holds it until it has exited)', () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
    const script = fileURLToPath(new URL('./fixtures/closeStreamRun.ts', import.meta.url))
    const run = spawnSync(process.execPath, ['--import', tsx, script], { encoding: 'utf8', timeout: 60_000 })
    expect(run.error).toBeUndefined()
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual({ closed: 16, size: 16 })
  })
})
