import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../../src/shared/rng'
import { initBackend } from '../../../../src/trainer/backend/pickBackend'
import { registerWasmTrainingKernels } from '../../../../src/trainer/backend/wasm/registerTrainingKernels'
import { conv2dGemmFits, convolutionBlocking } from '../../../../src/trainer/backend/wasm/conv2dGemm'
import { parity, parityTolerance, randomValues, relativeError, valuesOn } from './parity'

interface Case {
  x: [number, number, number, number]
  filter: [number, number, number, number]
  stride: [number, number]
  pad: 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]]
}

/** Convolutions our matrix product takes (Ci % 4 = 0, Co % 8 = 0), of every kernel, stride and padding. */
function randomCases(seed: number, count: number): Case[] {
  const rng = Rng.fromSeed(seed, 3)
  const pick = <T>(items: readonly T[]): T => items[rng.int(items.length)]!
  const cases: Case[] = []
  while (cases.length < count) {
    const k = pick([1, 2, 3, 3, 5] as const)
    const stride: [number, number] = [pick([1, 1, 2, 3] as const), pick([1, 2] as const)]
    const pad = pick(['same', 'valid', 0, 1, 2] as const)
    const ci = pick([4, 8, 12] as const)
    const x: Case['x'] = [1 + rng.int(3), k + rng.int(8), k + rng.int(8), ci]
    const c: Case = { x, filter: [k, k, ci, pick([8, 16, 24] as const)], stride, pad }
    if (typeof pad === 'number' && stride[0] !== stride[1]) continue // tfjs sizes these with one stride
    const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.stride, 1, c.pad)
    if (info.outHeight < 1 || info.outWidth < 1) continue
    cases.push(c)
  }
  return cases
}

function convolution(c: Case, seed: number): () => tf.Tensor {
  const rng = Rng.fromSeed(seed, 5)
  const x = randomValues(
    rng,
    c.x.reduce((a, b) => a * b),
  )
  const w = randomValues(
    rng,
    c.filter.reduce((a, b) => a * b),
  )
  return () => tf.conv2d(tf.tensor4d(x, c.x), tf.tensor4d(w, c.filter), c.stride, c.pad)
}

const label = (c: Case) =>
  `x ${c.x.join('×')}, filter ${c.filter.join('×')}, stride ${c.stride}, pad ${c.pad}`

beforeAll(async () => {
  await initBackend('wasm', { threads: 1 })
})

describe('Conv2D on our matrix product', () => {
  const cases: Case[] = [
    // Unequal top and left padding, so neither can stand in for the other.
    {
      x: [2, 7, 6, 4],
      filter: [3, 3, 4, 8],
      stride: [1, 1],
      pad: [
        [0, 0],
        [2, 0],
        [0, 1],
        [0, 0],
      ],
    },
    ...randomCases(31, 40),
  ]

  it('covers partial panels, several groups and several depth chunks', () => {
    const pixels = cases.map((c) => {
      const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.stride, 1, c.pad)
      return info.batchSize * info.outHeight * info.outWidth
    })
    expect(pixels.some((p) => p % 4 !== 0)).toBe(true)
    expect(pixels.some((p) => p > 4 * 2)).toBe(true)
    expect(cases.some((c) => c.filter[0] * c.filter[1] * c.filter[2] > 16)).toBe(true)
  })

  it.each(cases.map((c, i) => [label(c), c, i] as const))('matches cpu: %s', async (_, c, i) => {
    expect(conv2dGemmFits(tf.backend_util.computeConv2DInfo(c.x, c.filter, c.stride, 1, c.pad))).toBe(true)
    // Small groups and chunks, so these shapes cross their boundaries (the defaults fit whole layers).
    const saved = { ...convolutionBlocking }
    Object.assign(convolutionBlocking, { group: 2, chunk: 16 })
    try {
      expect(await parity(convolution(c, i))).toBeLessThan(parityTolerance)
    } finally {
      Object.assign(convolutionBlocking, saved)
    }
  })

  it('matches the shipped XNNPACK kernel at the default blocking', async () => {
    const c: Case = { x: [3, 9, 9, 16], filter: [3, 3, 16, 32], stride: [1, 1], pad: 'same' }
    const compute = convolution(c, 1)
    const ours = await valuesOn('wasm', compute)
    registerWasmTrainingKernels({ ownConv2d: false })
    try {
      const shipped = await valuesOn('wasm', compute)
      expect(relativeError(ours, shipped)).toBeLessThan(parityTolerance)
    } finally {
      registerWasmTrainingKernels()
    }
  })

  it('leaves channel counts it does not take to the shipped kernel', () => {
    const info = (ci: number, co: number) =>
      tf.backend_util.computeConv2DInfo([1, 8, 8, ci], [3, 3, ci, co], 1, 1, 'same')
    expect(conv2dGemmFits(info(3, 16))).toBe(false)
    expect(conv2dGemmFits(info(4, 12))).toBe(false)
    expect(conv2dGemmFits(info(4, 8))).toBe(true)
    const dilated = tf.backend_util.computeConv2DInfo([1, 8, 8, 4], [3, 3, 4, 8], 1, 2, 'same')
    expect(conv2dGemmFits(dilated)).toBe(false)
  })
})
