import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { aliveRegion } from '../../../src/trainer/chase/aliveRegion'
import type { MaskedTensor } from '../../../src/shared/chase/maskLayout'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const dense = (inChannels: number, outChannels: number, inRepeat = 1): MaskedTensor => ({
  node: 'fc',
  tensor: 'fc.weight',
  bias: null,
  kind: 'dense',
  shape: [inChannels, outChannels],
  size: inChannels * outChannels,
  outAxis: 1,
  inAxis: 0,
  outChannels,
  inChannels,
  fanIn: inChannels,
  positions: 1,
  outGroup: 'fc',
  inGroup: 'prev',
  inRepeat,
})

function region(layout: MaskedTensor, out: number[] | null, inp: number[] | null): number[][] | null {
  let values: number[][] | null = null
  tf.tidy(() => {
    const r = aliveRegion(layout, out, inp)
    values = r ? (r.arraySync() as number[][]) : null
  })
  return values
}

describe('aliveRegion', () => {
  it('is the outer product of the input and output alive vectors', () => {
    expect(region(dense(2, 3), [1, 0, 1], [0, 1])).toEqual([
      [0, 0, 0],
      [1, 0, 1],
    ])
  })

  it('is null when no group cuts into the tensor', () => {
    expect(region(dense(2, 3), null, null)).toBeNull()
  })

  it('repeats the input vector per position for a flattened NHWC map (channel fastest)', () => {
    expect(region(dense(4, 1, 2), null, [1, 0])).toEqual([[1], [0], [1], [0]])
  })

  it('broadcasts over the kernel of a conv', () => {
    const conv: MaskedTensor = {
      ...dense(2, 2),
      kind: 'conv2d',
      shape: [3, 3, 2, 2],
      size: 36,
      outAxis: 3,
      inAxis: 2,
    }
    let sum = 0
    tf.tidy(() => {
      sum = tf.sum(aliveRegion(conv, [1, 0], [1, 1])!).dataSync()[0]!
    })
    expect(sum).toBe(18)
  })
})
