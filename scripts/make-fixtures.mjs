#!/usr/bin/env node
// Regenerates the small real-data fixtures under tests/fixtures/data from their sources, so the tests never
// read ../shared or /usr/share: the first records of the CIFAR-10 subset (binary format, unchanged) and of
// Fashion-MNIST (gzipped IDX with rewritten counts).
//   node scripts/make-fixtures.mjs [--cifar10 DIR] [--fashion-mnist DIR]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'tests/fixtures/data')
const CIFAR_RECORD = 1 + 3072
const COUNTS = { cifarTrain: 300, cifarTest: 100, fashionTrain: 600, fashionTest: 200 }

function option(name, fallback) {
  const at = process.argv.indexOf(name)
  return at >= 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]) : fallback
}

const cifarSource = option('--cifar10', resolve(root, '../shared/data/cifar-10-subset'))
const fashionSource = option('--fashion-mnist', '/usr/share/datasets/fashion-mnist')

function firstCifarRecords(file, count) {
  const bytes = readFileSync(join(cifarSource, file))
  if (bytes.length < count * CIFAR_RECORD) throw new Error(`${file} has fewer than ${count} records`)
  return bytes.subarray(0, count * CIFAR_RECORD)
}

const cifarOut = join(out, 'cifar-10-batches-bin')
mkdirSync(cifarOut, { recursive: true })
writeFileSync(join(cifarOut, 'data_batch_1.bin'), firstCifarRecords('data_batch_1.bin', COUNTS.cifarTrain))
writeFileSync(join(cifarOut, 'test_batch.bin'), firstCifarRecords('test_batch.bin', COUNTS.cifarTest))
writeFileSync(join(cifarOut, 'batches.meta.txt'), readFileSync(join(cifarSource, 'batches.meta.txt')))

/** The first `count` items of a gzipped IDX file, as a gzipped IDX file. */
function firstIdxItems(file, count) {
  const bytes = gunzipSync(readFileSync(join(fashionSource, file)))
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const rank = bytes[3]
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false))
  if (dims[0] < count) throw new Error(`${file} has fewer than ${count} items`)
  const itemBytes = dims.slice(1).reduce((a, b) => a * b, 1)
  const headerBytes = 4 + 4 * rank
  const cut = Buffer.from(bytes.subarray(0, headerBytes + count * itemBytes))
  cut.writeUInt32BE(count, 4)
  return gzipSync(cut, { level: 9 })
}

const fashionOut = join(out, 'fashion-mnist')
mkdirSync(fashionOut, { recursive: true })
for (const [prefix, count] of [
  ['train', COUNTS.fashionTrain],
  ['t10k', COUNTS.fashionTest],
]) {
  for (const kind of ['images-idx3', 'labels-idx1']) {
    const file = `${prefix}-${kind}-ubyte.gz`
    writeFileSync(join(fashionOut, file), firstIdxItems(file, count))
  }
}

console.log(
  `wrote ${out}: CIFAR-10 ${COUNTS.cifarTrain} train + ${COUNTS.cifarTest} test records from ${cifarSource}, ` +
    `Fashion-MNIST ${COUNTS.fashionTrain} train + ${COUNTS.fashionTest} test from ${fashionSource}`,
)
