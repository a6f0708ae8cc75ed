import * as tf from '@tensorflow/tfjs-core'
import { afterEach, beforeAll, expect, it } from 'vitest'
import { Rng } from '../../../../../src/shared/rng'
import { filterGradientPlan } from '../../../../../src/trainer/backend/webgpu/kernels/Conv2DBackpropFilter'
import {
  chunkPlan,
  mergeLevels,
  reductionSplit,
} from '../../../../../src/trainer/backend/webgpu/splitReduction'
import { describeWebgpu } from '../softwareGpu'
import {
  compiledProgram,
  parityTolerance,
  randomValues,
  runKernel,
  startSoftwareWebgpu,
  webgpuParity,
} from '../parity'

type Pad =
  'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]]
interface Case {
  name: string
  x: [number, number, number, number]
  filter: [number, number, number, number]
  strides: number
  pad: Pad
}

const cases: Case[] = [
  { name: '3×3, stride 1, same, batch 2', x: [2, 5, 5, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3×3, stride 2, valid, cin 1', x: [1, 7, 7, 1], filter: [3, 3, 1, 3], strides: 2, pad: 'valid' },
  { name: '1×1, stride 2, same, odd map', x: [3, 6, 5, 2], filter: [1, 1, 2, 5], strides: 2, pad: 'same' },
  { name: '3×3, stride 2, same, odd map', x: [2, 7, 5, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'same' },
  {
    name: '3×3, explicit uneven padding',
    x: [2, 5, 6, 2],
    filter: [3, 3, 2, 3],
    strides: 1,
    pad: [
      [0, 0],
      [1, 0],
      [2, 1],
      [0, 0],
    ],
  },
  { name: '3×3, numeric padding 1, stride 2', x: [1, 6, 6, 3], filter: [3, 3, 3, 2], strides: 2, pad: 1 },
  {
    name: '3×3, stride 2, same, cout 8 (vec4)',
    x: [2, 7, 5, 3],
    filter: [3, 3, 3, 8],
    strides: 2,
    pad: 'same',
  },
  {
    name: '1×1, valid, cin 1, cout 4 (vec4)',
    x: [1, 5, 5, 1],
    filter: [1, 1, 1, 4],
    strides: 1,
    pad: 'valid',
  },
  {
    name: '3×3, same, cin 4, cout 8 (4×4 blocks)',
    x: [2, 5, 6, 4],
    filter: [3, 3, 4, 8],
    strides: 1,
    pad: 'same',
  },
  {
    name: '3×3, stride 2, valid, cin 8, cout 3',
    x: [1, 9, 5, 8],
    filter: [3, 3, 8, 3],
    strides: 2,
    pad: 'valid',
  },
]

function outputShape(c: Case): [number, number, number, number] {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape
}

function filterGradient(c: Case, rng: Rng): () => tf.Tensor {
  const dyShape = outputShape(c)
  const x = randomValues(
    rng,
    c.x.reduce((a, b) => a * b, 1),
  )
  const dy = randomValues(
    rng,
    dyShape.reduce((a, b) => a * b, 1),
  )
  return () =>
    runKernel(
      'Conv2DBackpropFilter',
      { x: tf.tensor(x, c.x), dy: tf.tensor(dy, dyShape) },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter },
    )
}

it('plans chunks that cover every position, each at least the minimum long', () => {
  const split = { targetThreads: 65_536, minChunkLength: 64 }
  for (const [positions, filterSize] of [
    [16 * 28 * 28, 3 * 3 * 1 * 32],
    [128 * 32 * 32, 3 * 3 * 3 * 64],
    [100, 9],
    [7, 1_000_000],
  ] as const) {
    const { chunks, chunkLength } = chunkPlan(positions, filterSize, split)
    expect(chunks * chunkLength).toBeGreaterThanOrEqual(positions)
    expect((chunks - 1) * chunkLength).toBeLessThan(positions)
    if (chunks > 1) expect(chunkLength).toBeGreaterThanOrEqual(split.minChunkLength)
  }
  // The first VGG layer's filter gradient: 38 chunks give 65k threads where tfjs runs 1728.
  expect(chunkPlan(128 * 32 * 32, 3 * 3 * 3 * 64, split).chunks).toBe(38)
  expect(chunkPlan(100, 9, split).chunks).toBe(1)
})

describeWebgpu('Conv2DBackpropFilter on webgpu', () => {
  const defaults = { ...reductionSplit }
  beforeAll(startSoftwareWebgpu)
  afterEach(() => Object.assign(reductionSplit, defaults))

  it.each(cases)('matches cpu in one chunk: $name', async (c) => {
    const [, oh, ow] = outputShape(c)
    const plan = filterGradientPlan(c.x[0] * oh * ow, c.filter)
    expect(plan.chunks).toBe(1)
    expect(await webgpuParity(filterGradient(c, Rng.fromSeed(7, 1)))).toBeLessThan(parityTolerance)
    expect(compiledProgram(`chaseConv2dFilterGradientPartials${plan.component}x${plan.rows}`)).toBe(true)
  })

  it.each(cases)('matches cpu split into uneven chunks: $name', async (c) => {
    const [, oh, ow] = outputShape(c)
    const positions = c.x[0] * oh * ow
    const { component, rows } = filterGradientPlan(positions, c.filter)
    const threadsPerChunk = c.filter.reduce((a, b) => a * b, 1) / (component * rows)
    // The fewest chunks (at least 2) whose last one is shorter than the rest.
    let chunks = 2
    while (chunks < positions && positions % Math.ceil(positions / chunks) === 0) chunks++
    Object.assign(reductionSplit, { targetThreads: chunks * threadsPerChunk, minChunkLength: 1 })
    const plan = filterGradientPlan(positions, c.filter)
    expect(plan.chunks).toBeGreaterThan(1)
    expect(positions % plan.chunkLength).not.toBe(0)
    expect(await webgpuParity(filterGradient(c, Rng.fromSeed(8, 1)))).toBeLessThan(parityTolerance)
    expect(compiledProgram(`chaseSumChunks${component}`)).toBe(true)
  })

  it('matches cpu over one-position chunks, added in two levels', async () => {
    const c: Case = { name: 'many chunks', x: [3, 9, 9, 2], filter: [3, 3, 2, 4], strides: 1, pad: 'same' }
    Object.assign(reductionSplit, { targetThreads: 1 << 24, minChunkLength: 1 })
    const plan = filterGradientPlan(3 * 9 * 9, c.filter)
    expect(plan.chunks).toBe(243)
    expect(mergeLevels(plan.chunks)).toBe(2)
    expect(await webgpuParity(filterGradient(c, Rng.fromSeed(9, 1)))).toBeLessThan(parityTolerance)
  })
})

it('merges at most 64 chunks per thread and level', () => {
  expect([1, 2, 64, 65, 4096, 4097].map((chunks) => mergeLevels(chunks))).toEqual([0, 1, 1, 2, 2, 3])
  expect(mergeLevels(2048, 64)).toBe(1)
  expect(mergeLevels(64, 64)).toBe(0)
})
