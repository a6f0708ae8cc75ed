import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../../src/shared/rng'
import { initBackend } from '../../../../src/trainer/backend/pickBackend'
import { filterGradientLimits } from '../../../../src/trainer/backend/wasm/kernels/Conv2DBackpropFilter'
import {
  filterGradientGemmFits,
  gemmBlockPixels,
} from '../../../../src/trainer/backend/wasm/filterGradientGemm'
import { phasePlan } from '../../../../src/trainer/backend/wasm/kernels/Conv2DBackpropInput'
import { parity, parityTolerance, randomValues, runKernel } from './parity'

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]]

interface ConvCase {
  x: [number, number, number, number]
  filter: [number, number, number, number]
  stride: number | [number, number]
  pad: Pad
}

/** Output size the way tfjs computes it, to keep only cases with a non-empty output. */
function outputSize(size: number, kernel: number, stride: number, pad: Pad, axis: 0 | 1): number {
  if (pad === 'same') return Math.ceil(size / stride)
  if (pad === 'valid') return Math.ceil((size - kernel + 1) / stride)
  const [before, after] = typeof pad === 'number' ? [pad, pad] : pad[axis + 1]!
  return Math.floor((size + before + after - kernel) / stride) + 1
}

function randomCases(
  seed: number,
  count: number,
  channels?: { channelsIn: readonly number[]; channelsOut: readonly number[] },
): ConvCase[] {
  const rng = Rng.fromSeed(seed, 7)
  const pick = <T>(items: readonly T[]): T => items[rng.int(items.length)]!
  const cases: ConvCase[] = []
  while (cases.length < count) {
    const kernel = pick([1, 2, 3, 3, 5] as const)
    const kernelW = rng.next() < 0.8 ? kernel : pick([1, 3] as const)
    const stride = pick([1, 1, 2, 2, 3] as const)
    const strideW = rng.next() < 0.8 ? stride : pick([1, 2] as const)
    const pads: Pad[] = [
      'same',
      'valid',
      0,
      1,
      2,
      [
        [0, 0],
        [1, 0],
        [0, 2],
        [0, 0],
      ],
    ]
    let pad = pick(pads)
    // tfjs sizes numerically padded outputs with the row stride and kernel height on both axes, so
    // padding for unequal strides or a non-square kernel is said explicitly (see wasm/conv2d.ts).
    if (typeof pad === 'number' && (stride !== strideW || kernel !== kernelW))
      pad = [
        [0, 0],
        [pad, pad],
        [pad, pad],
        [0, 0],
      ]
    const ci = channels ? pick(channels.channelsIn) : 1 + rng.int(7)
    const co = channels ? pick(channels.channelsOut) : 1 + rng.int(9)
    const x: ConvCase['x'] = [1 + rng.int(3), kernel + rng.int(9), kernelW + rng.int(9), ci]
    const filter: ConvCase['filter'] = [kernel, kernelW, ci, co]
    if (outputSize(x[1], kernel, stride, pad, 0) < 1 || outputSize(x[2], kernelW, strideW, pad, 1) < 1)
      continue
    cases.push({ x, filter, stride: [stride, strideW], pad })
  }
  return cases
}

/** The shapes our models use: 3×3 pad 1 and 1×1 pad 0, stride 1 or 2, even and odd sizes. */
const modelCases: ConvCase[] = [
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 8], stride: 1, pad: 1 },
  { x: [2, 9, 9, 4], filter: [3, 3, 4, 6], stride: 2, pad: 1 },
  { x: [2, 8, 8, 4], filter: [3, 3, 4, 6], stride: 2, pad: 1 },
  { x: [2, 8, 8, 5], filter: [1, 1, 5, 7], stride: 1, pad: 0 },
  { x: [2, 8, 8, 5], filter: [1, 1, 5, 7], stride: 2, pad: 0 },
  { x: [2, 7, 7, 5], filter: [1, 1, 5, 7], stride: 2, pad: 0 },
]

/**
 * Shapes for our matrix product (Ci % 4 = 0, Co % 8 = 0): the models' 3×3 and 1×1 layers, and images
 * whose pixels span several blocks (`gemmBlockPixels`), the last one partial.
 */
const gemmCases: ConvCase[] = [
  { x: [2, 8, 8, 4], filter: [3, 3, 4, 8], stride: 1, pad: 1 },
  // An RGB first layer: three channels, padded with a zero fourth.
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 16], stride: 1, pad: 1 },
  { x: [2, 9, 9, 8], filter: [3, 3, 8, 16], stride: 2, pad: 1 },
  { x: [2, 8, 8, 12], filter: [1, 1, 12, 8], stride: 2, pad: 0 },
  { x: [5, 12, 12, 4], filter: [3, 3, 4, 16], stride: 1, pad: 1 },
  { x: [5, 10, 10, 4], filter: [3, 3, 4, 8], stride: 1, pad: 1 },
  { x: [7, 7, 7, 8], filter: [3, 3, 8, 8], stride: 1, pad: 'valid' },
]

const convInfo = (c: ConvCase) =>
  tf.backend_util.computeConv2DInfo(c.x, c.filter, c.stride, 1, c.pad as never)

function tensorsFor(c: ConvCase, seed: number) {
  const rng = Rng.fromSeed(seed, 11)
  const x = randomValues(
    rng,
    c.x.reduce((a, b) => a * b),
  )
  const filter = randomValues(
    rng,
    c.filter.reduce((a, b) => a * b),
  )
  const yShape = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.stride, 1, c.pad).outShape
  const dy = randomValues(
    rng,
    yShape.reduce((a, b) => a * b),
  )
  return {
    x: () => tf.tensor4d(x, c.x),
    filter: () => tf.tensor4d(filter, c.filter),
    dy: () => tf.tensor(dy, yShape) as tf.Tensor4D,
  }
}

const filterGradient = (c: ConvCase, t: ReturnType<typeof tensorsFor>, pad: Pad = c.pad) =>
  runKernel(
    'Conv2DBackpropFilter',
    { x: t.x(), dy: t.dy() },
    { strides: c.stride, pad, dataFormat: 'NHWC', filterShape: c.filter },
  )
const inputGradient = (c: ConvCase, t: ReturnType<typeof tensorsFor>) =>
  runKernel(
    'Conv2DBackpropInput',
    { dy: t.dy(), filter: t.filter() },
    { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x },
  )

const label = (c: ConvCase) =>
  `x ${c.x.join('×')}, filter ${c.filter.join('×')}, stride ${c.stride}, pad ${JSON.stringify(c.pad)}`

beforeAll(async () => {
  await initBackend('wasm', { threads: 1 })
})

describe('wasm convolution gradients match the cpu backend', () => {
  const cases = [...modelCases, ...randomCases(2024, 30)]
  // Each case through the XNNPACK paths (shifted views of the padded input for stride 1, and im2col)
  // and, where its channels fit, our own matrix product.
  const paths = [
    ['shifted views', { gemm: false, shiftedGridOverhead: Number.POSITIVE_INFINITY, shiftedMinChannels: 1 }],
    ['im2col', { gemm: false, shiftedGridOverhead: 0 }],
    ['own matrix product', { gemm: true }],
  ] as const
  const pathCases = {
    'shifted views': cases,
    im2col: cases,
    'own matrix product': [
      ...gemmCases,
      ...randomCases(77, 40, { channelsIn: [3, 4, 6, 7, 8, 12], channelsOut: [8, 16] }),
    ],
  }
  for (const [path, limits] of paths) {
    it.each(pathCases[path].map((c, i) => [label(c), c, i] as const))(
      `filter gradient (${path}): %s`,
      async (_, c, i) => {
        const t = tensorsFor(c, i)
        if (path === 'own matrix product') expect(filterGradientGemmFits(convInfo(c))).toBe(true)
        const saved = { ...filterGradientLimits }
        Object.assign(filterGradientLimits, limits)
        try {
          expect(await parity(() => filterGradient(c, t))).toBeLessThan(parityTolerance)
        } finally {
          Object.assign(filterGradientLimits, saved)
        }
      },
    )
  }
  it.each(cases.map((c, i) => [label(c), c, i] as const))('input gradient: %s', async (_, c, i) => {
    const t = tensorsFor(c, i)
    expect(await parity(() => inputGradient(c, t))).toBeLessThan(parityTolerance)
  })

  it('sums the filter gradient over image chunks when the patch matrix would be too large', async () => {
    const c: ConvCase = { x: [5, 7, 6, 3], filter: [3, 3, 3, 4], stride: 1, pad: 1 }
    const t = tensorsFor(c, 5)
    const saved = { ...filterGradientLimits }
    // 27 patch rows × 42 columns per image: room for two images at a time, so chunks of 2, 2 and 1.
    Object.assign(filterGradientLimits, {
      patchBudgetFloats: 27 * 42 * 2,
      shiftedGridOverhead: 0,
      gemm: false,
    })
    try {
      expect(await parity(() => filterGradient(c, t))).toBeLessThan(parityTolerance)
    } finally {
      Object.assign(filterGradientLimits, saved)
    }
  })

  it('pads 3, 6 or 7 input channels for our matrix product, but not 1, 2 or 5 (too many zeros)', () => {
    const fits = (ci: number) =>
      filterGradientGemmFits(convInfo({ x: [1, 8, 8, ci], filter: [3, 3, ci, 8], stride: 1, pad: 1 }))
    expect([1, 2, 3, 4, 5, 6, 7, 8].filter(fits)).toEqual([3, 4, 6, 7, 8])
  })

  it('takes our matrix product in blocks of whole images, the last one partial', () => {
    // 10×10 outputs: two images a block, so the five images of the case above go as 2, 2 and 1.
    expect(Math.floor(gemmBlockPixels / 100)).toBe(2)
    expect(gemmCases.some((c) => c.x[0] === 5 && c.x[1] === 10 && c.pad === 1)).toBe(true)
  })

  it('notices a filter gradient computed with the padding off by one', async () => {
    const c = modelCases[1]!
    const t = tensorsFor(c, 99)
    const { relativeError, valuesOn } = await import('./parity')
    const expected = await valuesOn('cpu', () => filterGradient(c, t))
    const shifted = await valuesOn('wasm', () =>
      filterGradient(c, t, [
        [0, 0],
        [2, 0],
        [1, 1],
        [0, 0],
      ]),
    )
    expect(relativeError(shifted, expected)).toBeGreaterThan(100 * parityTolerance)
  })
})

describe('the input-gradient phase plan', () => {
  it('reduces to the rotated-filter convolution for stride 1', () => {
    const plan = phasePlan(3, 1, 1, 8, 8)
    expect({ taps: plan.taps, dMax: plan.dMax, padBefore: plan.padBefore, padAfter: plan.padAfter }).toEqual({
      taps: 3,
      dMax: 1,
      padBefore: 1,
      padAfter: 1,
    })
    expect([0, 1, 2].map((t) => plan.kernelIndex(t, 0))).toEqual([2, 1, 0])
  })

  it('gives stride-2, pad-1, 3×3 phases one and two taps', () => {
    const plan = phasePlan(3, 2, 1, 4, 8)
    // Even rows read the kernel centre; odd rows its two ends.
    expect([0, 1].map((t) => plan.kernelIndex(t, 0))).toEqual([1, -1])
    expect([0, 1].map((t) => plan.kernelIndex(t, 1))).toEqual([2, 0])
  })
})
