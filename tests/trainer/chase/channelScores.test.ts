import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import {
  channelDensity,
  channelScores,
  type ChannelScoreKind,
} from '../../../src/trainer/chase/channelScores'
import type { MaskedTensor } from '../../../src/shared/chase/maskLayout'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** A 2×2 conv from 2 inputs to 3 outputs: fan-in 8 per output channel. */
const layout: MaskedTensor = {
  node: 'conv',
  tensor: 'conv.weight',
  bias: null,
  kind: 'conv2d',
  shape: [2, 2, 2, 3],
  size: 24,
  outAxis: 3,
  inAxis: 2,
  outChannels: 3,
  inChannels: 2,
  fanIn: 8,
  positions: 1,
  outGroup: 'conv',
  inGroup: null,
  inRepeat: 1,
}

// Channel 0: four unmasked weights, all in input 0; channel 1: one weight; channel 2: fully masked.
const mask = new Float32Array(24)
const weight = new Float32Array(24)
const at = (h: number, w: number, i: number, o: number) => ((h * 2 + w) * 2 + i) * 3 + o
for (const [h, w] of [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]) {
  mask[at(h!, w!, 0, 0)] = 1
  weight[at(h!, w!, 0, 0)] = -0.5
}
mask[at(1, 1, 1, 1)] = 1
weight[at(1, 1, 1, 1)] = 2

function scores(kind: ChannelScoreKind): number[] {
  let values: number[] = []
  tf.tidy(() => {
    const producer = { layout, weight: tf.tensor(weight, [2, 2, 2, 3]), mask: tf.tensor(mask, [2, 2, 2, 3]) }
    values = Array.from(channelScores(kind, [producer]).dataSync())
  })
  return values
}

describe('channel scores (chase-spec.md §4.2)', () => {
  it('UMM divides Σ|w| by the full slice, masked entries included', () => {
    expect(scores('umm')).toEqual([2 / 8, 2 / 8, 0])
  })

  it('MM divides by the unmasked entries, and gives 0 to a fully masked channel', () => {
    expect(scores('mm')).toEqual([0.5, 2, 0])
  })

  it('kernel counts the input kernels with any weight', () => {
    expect(scores('kernel')).toEqual([0.5, 0.5, 0])
  })

  it('connection is the channel density', () => {
    expect(scores('connection')).toEqual([4 / 8, 1 / 8, 0])
    let density: number[] = []
    tf.tidy(() => {
      const producer = {
        layout,
        weight: tf.tensor(weight, [2, 2, 2, 3]),
        mask: tf.tensor(mask, [2, 2, 2, 3]),
      }
      density = Array.from(channelDensity([producer]).dataSync())
    })
    expect(density).toEqual([0.5, 0.125, 0])
  })
})
