import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, expect, it } from 'vitest'
import { Rng } from '../../../../../src/shared/rng'
import { describeWebgpu } from '../softwareGpu'
import { compiledProgram, parityTolerance, randomValues, startSoftwareWebgpu, webgpuParity } from '../parity'

type Pad =
  'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]]
interface Case {
  name: string
  x: [number, number, number, number]
  filter: [number, number, number, number]
  strides: number | [number, number]
  pad: Pad
  dilations?: number
}

const cases: Case[] = [
  { name: '3×3, stride 1, same, batch 2', x: [2, 5, 5, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3×3, stride 2, valid, cin 1', x: [1, 7, 7, 1], filter: [3, 3, 1, 3], strides: 2, pad: 'valid' },
  { name: '1×1, stride 2, same, odd map', x: [3, 6, 5, 2], filter: [1, 1, 2, 5], strides: 2, pad: 'same' },
  {
    name: '3×3, strides 2×1, same, odd map',
    x: [2, 7, 5, 2],
    filter: [3, 3, 2, 3],
    strides: [2, 1],
    pad: 'same',
  },
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

function convolution(c: Case, rng: Rng): () => tf.Tensor {
  const x = randomValues(
    rng,
    c.x.reduce((a, b) => a * b, 1),
  )
  const filter = randomValues(
    rng,
    c.filter.reduce((a, b) => a * b, 1),
  )
  return () =>
    tf.conv2d(tf.tensor4d(x, c.x), tf.tensor4d(filter, c.filter), c.strides, c.pad, 'NHWC', c.dilations ?? 1)
}

describeWebgpu('Conv2D on webgpu', () => {
  beforeAll(startSoftwareWebgpu)

  it.each(cases)('matches cpu with the direct program: $name', async (c) => {
    expect(await webgpuParity(convolution(c, Rng.fromSeed(3, 1)))).toBeLessThan(parityTolerance)
  })

  it('runs the direct program on the software adapter', async () => {
    await webgpuParity(convolution(cases[0]!, Rng.fromSeed(4, 1)))
    expect(compiledProgram('chaseConv2dDirect')).toBe(true)
  })

  it('hands dilated convolutions to tfjs, matching cpu', async () => {
    const dilated: Case = {
      name: 'dilated',
      x: [1, 7, 7, 2],
      filter: [3, 3, 2, 3],
      strides: 1,
      pad: 'same',
      dilations: 2,
    }
    expect(await webgpuParity(convolution(dilated, Rng.fromSeed(5, 1)))).toBeLessThan(parityTolerance)
  })
})
