import * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src/trainer/backend/pickBackend'
import { argumentList } from '../../../../src/trainer/backend/wasm/simd/assembler'
import { sgdUpdate } from '../../../../src/trainer/backend/wasm/simd/sgdUpdate'
import {
  assembleKernelModule,
  relaxedSimdSupported,
  simdKernelProblem,
  simdKernelsFor,
  type SimdKernels,
} from '../../../../src/trainer/backend/wasm/simdKernels'

const webAssembly = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } })
  .WebAssembly

beforeAll(async () => {
  await initBackend('wasm', { threads: 1 })
})

describe('our SIMD kernel module', () => {
  // Compiled here without a catch: an invalid module fails this test with the validator's own message.
  for (const sharedMemory of [false, true]) {
    it(`validates with mul + add${sharedMemory ? ', on shared memory' : ''}`, () => {
      const module = new webAssembly.Module(assembleKernelModule({ fused: false, sharedMemory }))
      expect(module).toBeDefined()
    })
  }

  it('validates with relaxed SIMD where the engine has it', () => {
    if (!relaxedSimdSupported()) return
    expect(new webAssembly.Module(assembleKernelModule({ fused: true, sharedMemory: true }))).toBeDefined()
  })

  it('is bound to the running wasm backend, with no problem to report', () => {
    const backend = tf.backend() as BackendWasm
    expect(simdKernelProblem(backend)).toBeNull()
    expect(simdKernelsFor(backend)).not.toBeNull()
  })
})

describe('named kernel arguments', () => {
  it('are put in the order of the function parameter list', () => {
    const args = {
      bytes: 6,
      bufferOut: 5,
      wOut: 4,
      buffer: 3,
      g: 2,
      w: 1,
      weightDecay: 9,
      momentum: 8,
      learningRate: 7,
    }
    expect(argumentList(sgdUpdate, args)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('are checked by the typecheck: a misspelt or missing name does not compile', () => {
    // Never called: what this checks is `npm run typecheck` (tests/tsconfig.json) over these lines.
    const calls = (kernels: SimdKernels) => {
      kernels.call('channelSums', { x: 0, bytes: 0, channelBytes: 0, acc: 0 })
      // @ts-expect-error a misspelt argument name
      kernels.call('channelSums', { x: 0, bytes: 0, channelBytes: 0, accumulator: 0 })
      // @ts-expect-error a missing argument
      kernels.call('channelSums', { x: 0, bytes: 0, channelBytes: 0 })
      // @ts-expect-error an argument of another function
      kernels.call('channelSums', { x: 0, bytes: 0, channelBytes: 0, acc: 0, relu: 0 })
    }
    expect(calls).toBeTypeOf('function')
  })
})
