import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { inspectCifarFolder, parseCifarRecords, readCifarFolder } from '../../../src/trainer/data/cifarBinary'
import { DatasetError } from '../../../src/trainer/data/datasetError'
import { CIFAR_FIXTURE, cifarFixture, cifarRecords, tempDir } from './testData'

describe('readCifarFolder', () => {
  it('reads the real fixture records into NHWC images with their labels', async () => {
    const { train, test } = await readCifarFolder(cifarFixture, 'cifar10')
    expect(train.count).toBe(CIFAR_FIXTURE.train)
    expect(test.count).toBe(CIFAR_FIXTURE.test)
    expect(train.shape).toEqual([32, 32, 3])
    expect(train.images.length).toBe(CIFAR_FIXTURE.train * 3072)
    const raw = await readFile(join(cifarFixture, 'data_batch_1.bin'))
    const record = 5
    const base = record * 3073
    expect(train.labels[record]).toBe(raw[base])
    // Pixel (row 3, column 7): red, green and blue come from the three planes of the record.
    const p = 3 * 32 + 7
    const out = record * 3072 + p * 3
    expect([...train.images.subarray(out, out + 3)]).toEqual([
      raw[base + 1 + p],
      raw[base + 1 + 1024 + p],
      raw[base + 1 + 2048 + p],
    ])
    expect(train.images.buffer).toBeInstanceOf(SharedArrayBuffer)
  })

  it('says when the folder is a subset of the published dataset', async () => {
    const { notes } = await readCifarFolder(cifarFixture, 'cifar10')
    expect(notes[0]).toContain('300 training images (data_batch_1.bin), 100 test images')
    expect(notes.join('\n')).toMatch(
      /1 training file \(data_batch_1\.bin: 300 images\), where the published dataset has 5 × 10,000/,
    )
    expect(notes.join('\n')).toContain('test_batch.bin holds 100 test images (published: 10,000)')
  })

  it('reads every data_batch_N.bin there is, in numeric order', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'data_batch_10.bin'), cifarRecords([[3]]))
    await writeFile(join(dir, 'data_batch_2.bin'), cifarRecords([[1], [2]]))
    await writeFile(join(dir, 'test_batch.bin'), cifarRecords([[9]]))
    const { train, notes } = await readCifarFolder(dir, 'cifar10')
    expect([...train.labels]).toEqual([1, 2, 3])
    expect(notes[0]).toContain('(data_batch_2.bin, data_batch_10.bin)')
  })

  it('steps into the extracted cifar-10-batches-bin folder when given its parent', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'cifar-10-batches-bin'))
    for (const f of ['data_batch_1.bin', 'test_batch.bin']) {
      await copyFile(join(cifarFixture, f), join(dir, 'cifar-10-batches-bin', f))
    }
    const contents = await inspectCifarFolder(dir, 'cifar10')
    expect(contents.folder).toBe(join(dir, 'cifar-10-batches-bin'))
  })

  it('reads CIFAR-100 records by their fine label', async () => {
    const dir = await tempDir()
    await writeFile(
      join(dir, 'train.bin'),
      cifarRecords([
        [3, 42],
        [19, 99],
      ]),
    )
    await writeFile(join(dir, 'test.bin'), cifarRecords([[0, 7]]))
    const { train, test } = await readCifarFolder(dir, 'cifar100')
    expect([...train.labels]).toEqual([42, 99])
    expect([...test.labels]).toEqual([7])
  })
})

describe('CIFAR errors', () => {
  it('names the missing data_batch_1.bin and the folder to point at', async () => {
    const dir = await tempDir()
    await expect(readCifarFolder(dir, 'cifar10')).rejects.toThrow(
      `Dataset folder ${dir} has no data_batch_1.bin: point the config at the extracted "cifar-10-batches-bin" folder`,
    )
  })

  it('says a missing folder does not exist', async () => {
    const dir = join(await tempDir(), 'nowhere')
    await expect(readCifarFolder(dir, 'cifar10')).rejects.toThrow(`Dataset folder ${dir} does not exist`)
  })

  it('recognises the Python version of CIFAR-10', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'data_batch_1'), 'pickle')
    await writeFile(join(dir, 'batches.meta'), 'pickle')
    await expect(readCifarFolder(dir, 'cifar10')).rejects.toThrow(
      /Python \(pickle\) version of CIFAR-10.*cifar-10-binary\.tar\.gz/,
    )
  })

  it('suggests cifar100 when the folder holds CIFAR-100', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'train.bin'), cifarRecords([[1, 2]]))
    await writeFile(join(dir, 'test.bin'), cifarRecords([[1, 2]]))
    await expect(readCifarFolder(dir, 'cifar10')).rejects.toThrow(
      /looks like CIFAR-100: set data.dataset to cifar100/,
    )
  })

  it('refuses a missing test_batch.bin', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'data_batch_1.bin'), cifarRecords([[1]]))
    await expect(readCifarFolder(dir, 'cifar10')).rejects.toThrow(
      `Dataset folder ${dir} has no test_batch.bin`,
    )
  })

  it('reports a truncated file with its size and whole records', async () => {
    const dir = await tempDir()
    const file = join(dir, 'data_batch_1.bin')
    await writeFile(file, cifarRecords([[1], [2], [3]]).subarray(0, 2 * 3073 + 100))
    await writeFile(join(dir, 'test_batch.bin'), cifarRecords([[1]]))
    const error = await readCifarFolder(dir, 'cifar10').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DatasetError)
    expect((error as DatasetError).message).toBe(
      `${file} is 6,246 bytes, not a whole number of 3,073-byte CIFAR-10 records (2 records and 100 bytes over): ` +
        'the file is truncated or not CIFAR-10 binary; extract it again from "cifar-10-binary.tar.gz"',
    )
    expect((error as DatasetError).path).toBe(file)
  })

  it('reports a label out of range with its record', () => {
    expect(() => parseCifarRecords(cifarRecords([[1], [12]]), 'cifar10', 'x.bin')).toThrow(
      'x.bin: record 1 has label 12, outside 0-9',
    )
    expect(() => parseCifarRecords(cifarRecords([[25, 1]]), 'cifar100', 'y.bin')).toThrow(
      'coarse label 25, outside 0-19',
    )
    expect(() => parseCifarRecords(cifarRecords([[2, 100]]), 'cifar100', 'y.bin')).toThrow(
      'fine label 100, outside 0-99',
    )
  })

  it('explains that a .tar.gz path is the archive, not the folder', async () => {
    const dir = await tempDir()
    const archive = join(dir, 'cifar-10-binary.tar.gz')
    await writeFile(archive, 'x')
    await expect(readCifarFolder(archive, 'cifar10')).rejects.toThrow(/it is the archive; extract it/)
  })
})
