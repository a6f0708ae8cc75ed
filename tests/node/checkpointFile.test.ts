import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  previousCheckpointPath,
  readCheckpoint,
  readCheckpointMeta,
  readCheckpointOrPrevious,
  removeStaleTemporaries,
  writeCheckpoint,
} from '../../src/node/checkpointFile'

const folder = () => mkdtempSync(join(tmpdir(), 'ckpt-'))

describe('checkpoint files', () => {
  it('round-trips metadata and tensors of every dtype bit-exactly', () => {
    const path = join(folder(), 'a.ckpt')
    const weights = Float32Array.from({ length: 13 }, (_, i) => Math.sin(i) * 1e-3)
    const tensors = new Map([
      ['w', { shape: [13], data: weights }],
      ['mask', { shape: [3], data: Uint8Array.from([1, 0, 1]) }],
      ['order', { shape: [2], data: Int32Array.from([7, -1]) }],
    ])
    writeCheckpoint(path, { meta: { step: 12, rng: [1, 2, 3, 4] }, tensors })
    const back = readCheckpoint<{ step: number; rng: number[] }>(path)
    expect(back.meta).toEqual({ step: 12, rng: [1, 2, 3, 4] })
    expect(back.tensors.get('w')!.data).toEqual(weights)
    expect(back.tensors.get('mask')!.data).toEqual(Uint8Array.from([1, 0, 1]))
    expect(back.tensors.get('order')!.data).toEqual(Int32Array.from([7, -1]))
  })

  it('leaves no temporary file behind', () => {
    const dir = folder()
    writeCheckpoint(join(dir, 'b.ckpt'), { meta: {}, tensors: new Map() })
    expect(readdirSync(dir)).toEqual(['b.ckpt'])
  })

  it('refuses a truncated or corrupted file with a clear message', () => {
    const path = join(folder(), 'c.ckpt')
    writeCheckpoint(path, {
      meta: {},
      tensors: new Map([['w', { shape: [64], data: new Float32Array(64).fill(1) }]]),
    })
    const bytes = readFileSync(path)
    writeFileSync(path, bytes.subarray(0, bytes.byteLength - 10))
    expect(() => readCheckpoint(path)).toThrow(/truncated tensor w/)
    const flipped = Buffer.from(bytes)
    flipped[flipped.byteLength - 1] = flipped[flipped.byteLength - 1]! ^ 0xff
    writeFileSync(path, flipped)
    expect(() => readCheckpoint(path)).toThrow(/checksum mismatch/)
  })

  it('names the file when its header is damaged, instead of a bare SyntaxError', () => {
    const path = join(folder(), 'a.ckpt')
    writeCheckpoint(path, { meta: { step: 1 }, tensors: new Map() })
    const bytes = readFileSync(path)
    bytes[17] = 0x78 // the header's opening brace
    writeFileSync(path, bytes)
    expect(() => readCheckpoint(path)).toThrow(new RegExp(`Checkpoint ${path} is unusable \\(damaged header`))
    expect(() => readCheckpointMeta(path)).toThrow(/is unusable \(damaged header/)
  })

  it('keeps the previous checkpoint and falls back to it when the newest is torn', () => {
    const dir = folder()
    const path = join(dir, 'checkpoint.ckpt')
    const tensors = new Map([['w', { shape: [2], data: Float32Array.from([1, 2]) }]])
    writeCheckpoint(path, { meta: { step: 10 }, tensors }, { keepPrevious: true })
    writeCheckpoint(path, { meta: { step: 20 }, tensors }, { keepPrevious: true })
    expect(previousCheckpointPath(path)).toBe(join(dir, 'checkpoint.prev.ckpt'))
    expect(readdirSync(dir).sort()).toEqual(['checkpoint.ckpt', 'checkpoint.prev.ckpt'])
    expect(readCheckpointMeta<{ step: number }>(path).step).toBe(20)
    expect(readCheckpointOrPrevious<{ step: number }>(path)).toMatchObject({ path, skipped: null })

    writeFileSync(path, readFileSync(path).subarray(0, 40))
    const back = readCheckpointOrPrevious<{ step: number }>(path)
    expect(back.contents.meta.step).toBe(10)
    expect(back.path).toBe(previousCheckpointPath(path))
    expect(back.skipped).toMatch(/checkpoint\.ckpt is unusable/)
  })

  it('removes temporaries that a killed writer left behind, and nothing else', () => {
    const dir = folder()
    for (const name of [
      'checkpoint.ckpt.123.tmp',
      'best.ckpt.9.tmp',
      'checkpoint.prev.ckpt.7.tmp',
      'checkpoint.ckpt',
      'notes.tmp',
    ])
      writeFileSync(join(dir, name), 'x')
    expect(removeStaleTemporaries(dir).sort()).toEqual([
      'best.ckpt.9.tmp',
      'checkpoint.ckpt.123.tmp',
      'checkpoint.prev.ckpt.7.tmp',
    ])
    expect(readdirSync(dir).sort()).toEqual(['checkpoint.ckpt', 'notes.tmp'])
  })
})
