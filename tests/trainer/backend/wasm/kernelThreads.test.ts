import { afterAll, describe, expect, it } from 'vitest'
import { startKernelThreads } from '../../../../src/trainer/backend/wasm/kernelThreads'
import {
  assembleModule,
  defineFunction,
  forLoop,
  get,
  ifElse,
  int,
  plus,
  times,
} from '../../../../src/trainer/backend/wasm/simd/assembler'

/** fill(at, count, value, fail): count i32s of `value` from byte `at`; traps first when fail ≠ 0. */
const fill = defineFunction(
  'fill',
  { parameters: ['at', 'count', 'value', 'fail'], i32: ['i'], v128: [] },
  (l) => [
    ...ifElse(get(l.fail), [0x00 /* unreachable */], []),
    ...forLoop(l.i, get(l.count), int(1), [
      ...plus(get(l.at), times(get(l.i), int(4))),
      ...get(l.value),
      ...[0x36, 0x02, 0x00], // i32.store
    ]),
  ],
)

const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true })
const module = new WebAssembly.Module(assembleModule([fill], true))
const { exports } = new WebAssembly.Instance(module, { env: { memory } })
const threads = startKernelThreads(module, memory, exports, ['fill'], 2)
const words = new Int32Array(memory.buffer)
afterAll(() => threads.close())

describe('kernel threads over shared wasm memory', () => {
  it('starts the helper and runs each share, the first on the calling thread', () => {
    expect(threads.count).toBe(2)
    words.fill(0, 0, 2000)
    threads.run('fill', [
      [0, 1000, 7, 0],
      [4000, 1000, 9, 0],
    ])
    expect(words.subarray(0, 1000).every((v) => v === 7)).toBe(true)
    expect(words.subarray(1000, 2000).every((v) => v === 9)).toBe(true)
  })

  it('sees memory the caller grew after the helper started', () => {
    const pages = memory.grow(2)
    const at = pages * 65536
    threads.run('fill', [
      [0, 1, 1, 0],
      [at, 100, 5, 0],
    ])
    expect(new Int32Array(memory.buffer, at, 100).every((v) => v === 5)).toBe(true)
  })

  it('reports a trap on the helper, and keeps working after it', () => {
    expect(() =>
      threads.run('fill', [
        [0, 10, 1, 0],
        [400, 10, 2, 1],
      ]),
    ).toThrow(/"fill" failed on a helper thread/)
    threads.run('fill', [
      [0, 10, 3, 0],
      [400, 10, 4, 0],
    ])
    expect([new Int32Array(memory.buffer)[0], new Int32Array(memory.buffer)[100]]).toEqual([3, 4])
  })

  it('rethrows a trap on the calling thread after the helper is done', () => {
    new Int32Array(memory.buffer).fill(0, 0, 200)
    expect(() =>
      threads.run('fill', [
        [0, 10, 1, 1],
        [400, 100, 6, 0],
      ]),
    ).toThrow(WebAssembly.RuntimeError)
    expect(new Int32Array(memory.buffer, 400, 100).every((v) => v === 6)).toBe(true)
  })

  it('runs everything on the calling thread once closed', () => {
    const alone = startKernelThreads(module, memory, exports, ['fill'], 2)
    expect(alone.count).toBe(2)
    alone.close()
    expect(alone.count).toBe(1)
    alone.run('fill', [[0, 10, 8, 0]])
    expect(new Int32Array(memory.buffer, 0, 10).every((v) => v === 8)).toBe(true)
  })

  it('refuses more shares than threads', () => {
    expect(() =>
      threads.run('fill', [
        [0, 1, 1, 0],
        [0, 1, 1, 0],
        [0, 1, 1, 0],
      ]),
    ).toThrow(/3 shares for 2 kernel threads/)
  })
})
