import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach } from 'vitest'

/** The fixtures made by `scripts/make-fixtures.mjs` (real records, cut small). */
export const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/data')
export const cifarFixture = join(fixtures, 'cifar-10-batches-bin')
export const fashionFixture = join(fixtures, 'fashion-mnist')
export const CIFAR_FIXTURE = { train: 300, test: 100 }
export const FASHION_FIXTURE = { train: 600, test: 200 }

/** A fresh temporary folder per call, removed after the test. */
const made: string[] = []
afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chase-data-'))
  made.push(dir)
  return dir
}

/** An IDX file of unsigned bytes. */
export function idxBytes(dims: readonly number[], data: Uint8Array): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length)
  header[2] = 0x08
  header[3] = dims.length
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i))
  return Buffer.concat([header, data])
}

export { tarGz } from '../../support/tarGz'

/** CIFAR binary records with the given labels and pixels set to `(record + offset) mod 256`. */
export function cifarRecords(labels: readonly number[][], recordPixels = 3072): Uint8Array {
  const labelBytes = labels[0]!.length
  const out = new Uint8Array(labels.length * (labelBytes + recordPixels))
  labels.forEach((label, r) => {
    const base = r * (labelBytes + recordPixels)
    out.set(label, base)
    for (let i = 0; i < recordPixels; i++) out[base + labelBytes + i] = (r * 7 + i) % 256
  })
  return out
}
