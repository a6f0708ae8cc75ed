import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { parseIdx, readIdxFile, readIdxHeader } from '../../../src/trainer/data/idx'
import { readMnistFolder } from '../../../src/trainer/data/mnistFolder'
import { FASHION_FIXTURE, fashionFixture, idxBytes, tempDir } from './testData'

const trainImages = join(fashionFixture, 'train-images-idx3-ubyte.gz')

describe('IDX files', () => {
  it('reads gzipped and plain IDX files alike', async () => {
    const dir = await tempDir()
    const plain = join(dir, 'train-images-idx3-ubyte')
    await writeFile(plain, gunzipSync(await readFile(trainImages)))
    const zipped = await readIdxFile(trainImages)
    const unzipped = await readIdxFile(plain)
    expect(zipped.dims).toEqual([FASHION_FIXTURE.train, 28, 28])
    expect(unzipped.dims).toEqual(zipped.dims)
    expect(Buffer.from(unzipped.data).equals(Buffer.from(zipped.data))).toBe(true)
  })

  it('reads only the header of a gzipped file for a quick check', async () => {
    const header = await readIdxHeader(trainImages)
    expect(header.dims).toEqual([FASHION_FIXTURE.train, 28, 28])
    expect(header.dataBytes).toBe(FASHION_FIXTURE.train * 784)
  })

  it('rejects a bad magic number, and recognises a saved HTML error page', () => {
    expect(() => parseIdx(new Uint8Array([1, 2, 8, 1, 0, 0, 0, 0]), 'a')).toThrow(
      'a is not an IDX file (bad magic number 0x01020801',
    )
    expect(() => parseIdx(new TextEncoder().encode('<html>403</html>'), 'b')).toThrow(
      /download saved an error page/,
    )
  })

  it('rejects data types other than unsigned bytes', () => {
    const bytes = idxBytes([1], new Uint8Array(1))
    bytes[2] = 0x0d
    expect(() => parseIdx(bytes, 'f')).toThrow('f holds IDX float32 data')
  })

  it('says how much data a truncated file lacks', () => {
    const bytes = idxBytes([10, 28, 28], new Uint8Array(10 * 784)).subarray(0, 16 + 5000)
    expect(() => parseIdx(bytes, 't')).toThrow(
      't holds 5,000 bytes of data where its header (10 × 28 × 28) promises 7,840: the file is truncated; download it again',
    )
  })

  it('explains a truncated gzip file', async () => {
    const dir = await tempDir()
    const file = join(dir, 'cut.gz')
    const whole = await readFile(trainImages)
    await writeFile(file, whole.subarray(0, whole.length / 2))
    await expect(readIdxFile(file)).rejects.toThrow(`${file} is not a valid gzip file`)
  })
})

describe('readMnistFolder', () => {
  it('reads the Fashion-MNIST fixture as 28×28×1 images with labels 0-9', async () => {
    const { train, test, notes } = await readMnistFolder(fashionFixture, 'fashion-mnist')
    expect(train.count).toBe(FASHION_FIXTURE.train)
    expect(test.count).toBe(FASHION_FIXTURE.test)
    expect(train.shape).toEqual([28, 28, 1])
    expect(Math.max(...train.labels)).toBe(9)
    expect(new Set(train.labels).size).toBe(10)
    expect(notes[0]).toBe(
      `Fashion-MNIST from ${fashionFixture}: 600 training and 200 test images (gzipped IDX)`,
    )
    expect(notes[1]).toContain('is a subset of Fashion-MNIST')
  })

  it('accepts the dotted file names and plain files', async () => {
    const dir = await tempDir()
    for (const [from, to] of [
      ['train-images-idx3-ubyte.gz', 'train-images.idx3-ubyte'],
      ['train-labels-idx1-ubyte.gz', 'train-labels.idx1-ubyte'],
      ['t10k-images-idx3-ubyte.gz', 't10k-images.idx3-ubyte'],
      ['t10k-labels-idx1-ubyte.gz', 't10k-labels.idx1-ubyte'],
    ] as const) {
      await writeFile(join(dir, to), gunzipSync(await readFile(join(fashionFixture, from))))
    }
    const { train, notes } = await readMnistFolder(dir, 'mnist')
    expect(train.count).toBe(FASHION_FIXTURE.train)
    expect(notes[0]).toContain('(IDX)')
  })

  it('names the missing file', async () => {
    const dir = await tempDir()
    await copyFile(trainImages, join(dir, 'train-images-idx3-ubyte.gz'))
    await expect(readMnistFolder(dir, 'mnist')).rejects.toThrow(
      `Dataset folder ${dir} has no train-labels-idx1-ubyte(.gz)`,
    )
  })

  it('refuses images and labels of different counts', async () => {
    const dir = await tempDir()
    for (const name of [
      'train-images-idx3-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]) {
      await copyFile(join(fashionFixture, name), join(dir, name))
    }
    await writeFile(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxBytes([5], new Uint8Array(5))))
    await expect(readMnistFolder(dir, 'fashion-mnist')).rejects.toThrow(
      'train-images-idx3-ubyte.gz holds 600 images but train-labels-idx1-ubyte.gz 5 labels',
    )
  })

  it('refuses a label outside 0-9', async () => {
    const dir = await tempDir()
    for (const name of [
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
    ]) {
      await copyFile(join(fashionFixture, name), join(dir, name))
    }
    const labels = new Uint8Array(FASHION_FIXTURE.test).fill(3)
    labels[17] = 11
    await writeFile(
      join(dir, 't10k-labels-idx1-ubyte.gz'),
      gzipSync(idxBytes([FASHION_FIXTURE.test], labels)),
    )
    await expect(readMnistFolder(dir, 'fashion-mnist')).rejects.toThrow('record 17 has label 11, outside 0-9')
  })

  it('refuses a labels file where images belong', async () => {
    const dir = await tempDir()
    for (const name of [
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]) {
      await copyFile(join(fashionFixture, name), join(dir, name))
    }
    await copyFile(
      join(fashionFixture, 'train-labels-idx1-ubyte.gz'),
      join(dir, 'train-images-idx3-ubyte.gz'),
    )
    await expect(readMnistFolder(dir, 'fashion-mnist')).rejects.toThrow(/shape 600, not N × 28 × 28 images/)
  })
})
