import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AliveChannels } from '../../../src/shared/models/channelFlow'
import {
  outputAxis,
  inputAxis,
  type ChannelGroup,
  type ModelSpec,
  type WeightNode,
} from '../../../src/shared/models/modelSpec'
import { SpecBuilder } from '../../../src/shared/models/specBuilder'
import { validateSpec } from '../../../src/shared/models/validateSpec'
import { Rng } from '../../../src/shared/rng'
import { forward } from '../../../src/trainer/model/forward'
import { createParameters, disposeParameters, type ModelParams } from '../../../src/trainer/model/parameters'
import { recalibrateBatchNorm, slimNetwork } from '../../../src/trainer/model/slim'
import { inference, randomBatch, relativeError, sgdStep, smallNetwork, useCpu } from './testNetwork'

beforeAll(useCpu)

/** Random removals: each group loses a random share of its channels, keeping at least one. */
function randomAlive(spec: ModelSpec, seed: number): Map<string, Uint8Array> {
  const rng = Rng.fromSeed(seed, 7)
  const alive = new Map<string, Uint8Array>()
  for (const group of spec.channelGroups) {
    const flags = new Uint8Array(group.channels).map(() => (rng.next() < 0.6 ? 1 : 0))
    flags[rng.int(group.channels)] = 1
    alive.set(group.name, flags)
  }
  return alive
}

/** Non-trivial BN state, so a removed channel's β and running statistics would show if they leaked. */
function randomiseNorms(spec: ModelSpec, params: ModelParams, seed: number): void {
  const rng = Rng.fromSeed(seed, 3)
  for (const node of spec.nodes) {
    if (node.kind !== 'batchnorm') continue
    const fill = (f: () => number): tf.Tensor => tf.tensor1d(Float32Array.from({ length: node.channels }, f))
    for (const [p, f] of [
      ['gamma', () => 0.5 + rng.next()],
      ['beta', () => rng.normal()],
      ['runningMean', () => 0.3 * rng.normal()],
      ['runningVar', () => 0.5 + 1.5 * rng.next()],
    ] as const) {
      const value = fill(f)
      params.get(`${node.name}.${p}`)!.assign(value)
      value.dispose()
    }
  }
}

/** The masked full network of chase-spec §4.5: producer rows and bias and consumer columns zeroed; BN left alone. */
function maskChannels(spec: ModelSpec, params: ModelParams, alive: AliveChannels): void {
  const nodes = new Map(spec.nodes.map((n) => [n.name, n]))
  const zeroAlong = (name: string, axis: number, flags: ArrayLike<number | boolean>): void => {
    const variable = params.get(name)
    if (!variable) return
    tf.tidy(() => {
      const shape = variable.shape.map((_, i) => (i === axis ? flags.length : 1))
      variable.assign(
        tf.mul(
          variable,
          tf.tensor(
            Array.from(flags, (f) => (f ? 1 : 0)),
            shape,
          ),
        ),
      )
    })
  }
  for (const group of spec.channelGroups as ChannelGroup[]) {
    const flags = alive.get(group.name)
    if (!flags) continue
    for (const producer of [group.producer, ...(group.tied ?? [])]) {
      const node = nodes.get(producer) as WeightNode
      zeroAlong(`${producer}.weight`, outputAxis(node), flags)
      zeroAlong(`${producer}.bias`, 0, flags)
    }
    for (const consumer of group.consumers) {
      const node = nodes.get(consumer) as WeightNode
      zeroAlong(`${consumer}.weight`, inputAxis(node), flags)
    }
  }
}

function expectSlimEqualsMasked(
  spec: ModelSpec,
  params: ModelParams,
  alive: AliveChannels,
  x: tf.Tensor,
): number {
  const slim = slimNetwork(spec, params, alive)
  maskChannels(spec, params, alive)
  const masked = inference(spec, params, x)
  const slimmed = inference(slim.spec, slim.params, x)
  const error = relativeError(slimmed, masked)
  expect(slimmed.shape).toEqual(masked.shape)
  expect(error).toBeLessThan(1e-5)
  expect(validateSpec(slim.spec)).toEqual([])
  for (const group of slim.spec.channelGroups) {
    const flags = alive.get(group.name)
    if (flags) expect(group.channels).toBe(Array.from(flags as ArrayLike<number>).filter(Boolean).length)
  }
  tf.dispose([masked, slimmed])
  disposeParameters(slim.params)
  return error
}

describe('slimming equals masking (chase-spec §5.1, §10.3.3)', () => {
  it.each([
    ['vgg11', [16, 16, 3], 0.25],
    ['vgg19', [16, 16, 3], 0.125],
    ['resnet20', [8, 8, 3], 0.5],
    ['resnet18', [8, 8, 3], 0.125],
    ['resnet50', [8, 8, 3], 0.125],
    ['cnn-small', [12, 12, 1], 0.5],
    ['mlp', [6, 6, 1], 0.25],
  ] as const)(
    '%s gives the same inference outputs slimmed and masked after random removals',
    (name, input, width) => {
      for (const seed of [1, 2]) {
        const { spec, params } = smallNetwork(name, { input, widthMultiplier: width }, seed)
        randomiseNorms(spec, params, seed)
        const x = randomBatch(spec, 3, seed)
        const alive = randomAlive(spec, seed)
        expect([...alive.values()].some((f) => f.includes(0))).toBe(true)
        expectSlimEqualsMasked(spec, params, alive, x)
        x.dispose()
        disposeParameters(params)
      }
    },
  )

  it('slices producer rows, bias, BN entries and consumer columns to the alive channels', () => {
    const { spec, params } = smallNetwork('vgg11', { widthMultiplier: 0.25 })
    const flags = new Uint8Array(16).fill(1)
    flags[3] = 0
    flags[9] = 0
    const slim = slimNetwork(spec, params, new Map([['features.0', flags]]))
    expect(slim.params.get('features.0.weight')!.shape).toEqual([3, 3, 3, 14])
    expect(slim.params.get('features.0.bias')!.shape).toEqual([14])
    expect(slim.params.get('features.1.runningVar')!.shape).toEqual([14])
    expect(slim.params.get('features.4.weight')!.shape).toEqual([3, 3, 14, 32])
    const full = params.get('features.0.weight')!.arraySync() as number[][][][]
    const cut = slim.params.get('features.0.weight')!.arraySync() as number[][][][]
    expect(cut[1]![2]![0]![3]).toBe(full[1]![2]![0]![4]) // channel 4 moved to position 3
    expect(slim.params.get('features.4.weight')).not.toBe(params.get('features.4.weight'))
    disposeParameters(slim.params)
    disposeParameters(params)
  })

  it('handles a residual stream tied across a stage ("prune skip" as data)', () => {
    const { spec, params } = smallNetwork('resnet20', { input: [8, 8, 3], widthMultiplier: 0.5 }, 4)
    // Stage 1 stream: the stem and each block's conv2 write it; conv1s and the next stage's first block read it.
    const stream: ChannelGroup = {
      name: 'stage1',
      channels: 8,
      producer: 'conv',
      norm: 'bn',
      tied: ['blocks.0.conv2', 'blocks.1.conv2', 'blocks.2.conv2'],
      consumers: [
        'blocks.0.conv1',
        'blocks.1.conv1',
        'blocks.2.conv1',
        'blocks.3.conv1',
        'blocks.3.shortcut.0',
      ],
    }
    const tied = { ...spec, channelGroups: [...spec.channelGroups, stream] }
    expect(validateSpec(tied)).toEqual([])
    randomiseNorms(tied, params, 4)
    const alive = randomAlive(tied, 4)
    alive.set('stage1', Uint8Array.from([1, 0, 1, 1, 0, 0, 1, 1]))
    const x = randomBatch(tied, 3, 4)
    expectSlimEqualsMasked(tied, params, alive, x)
    x.dispose()
    disposeParameters(params)
  })

  it('follows removed channels through a flatten into a dense consumer', () => {
    const b = new SpecBuilder([4, 4, 2])
    const conv = b.conv('conv', b.inputName, {
      out: 5,
      kernel: 3,
      padding: 1,
      bias: true,
      init: 'torch-default',
      biasInit: 'torch-default',
    })
    const flat = b.flatten('flatten', b.relu('relu', b.batchNorm('bn', conv)))
    const fc = b.dense('fc', flat, { out: 3, bias: true, init: 'torch-default', biasInit: 'torch-default' })
    const spec = b.build({
      name: 'flat',
      family: 'test',
      classes: 3,
      widthMultiplier: 1,
      output: fc,
      channelGroups: [b.group(conv, [fc], 'bn')],
    })
    const params = createParameters(spec, Rng.fromSeed(2))
    randomiseNorms(spec, params, 2)
    const x = randomBatch(spec, 2, 2)
    const alive = new Map([['conv', Uint8Array.from([1, 0, 1, 0, 1])]])
    const slimmed = slimNetwork(spec, params, alive)
    expect(slimmed.params.get('fc.weight')!.shape).toEqual([4 * 4 * 3, 3])
    // The dense consumer's input rows are the flattened (h, w, c) features: mask those of the dead channels.
    const features = new Uint8Array(4 * 4 * 5).map((_, i) => alive.get('conv')![i % 5]!)
    const masked = tf.tidy(() => {
      params
        .get('conv.weight')!
        .assign(tf.mul(params.get('conv.weight')!, tf.tensor(Array.from(alive.get('conv')!), [1, 1, 1, 5])))
      params
        .get('conv.bias')!
        .assign(tf.mul(params.get('conv.bias')!, tf.tensor1d(Array.from(alive.get('conv')!))))
      params
        .get('fc.weight')!
        .assign(tf.mul(params.get('fc.weight')!, tf.tensor(Array.from(features), [80, 1])))
      return inference(spec, params, x)
    })
    const out = inference(slimmed.spec, slimmed.params, x)
    expect(relativeError(out, masked)).toBeLessThan(1e-5)
    tf.dispose([x, masked, out])
    disposeParameters(slimmed.params)
    disposeParameters(params)
  })

  it('leaves a slimmed network trainable', () => {
    const { spec, params } = smallNetwork('resnet50', { input: [8, 8, 3] })
    const slim = slimNetwork(spec, params, randomAlive(spec, 9))
    const x = randomBatch(slim.spec, 4, 9)
    const labels = tf.tensor1d([0, 1, 2, 3], 'int32')
    const loss0 = sgdStep(slim.spec, slim.params, x, labels, 0.001)
    expect(sgdStep(slim.spec, slim.params, x, labels, 0.001)).toBeLessThan(loss0)
    tf.dispose([x, labels])
    disposeParameters(slim.params)
    disposeParameters(params)
  })
})

describe('BN recalibration (torch.optim.swa_utils.update_bn)', () => {
  it('sets running statistics to the plain average of the batch moments, not a momentum average', async () => {
    const { spec, params } = smallNetwork('cnn-small', { input: [8, 8, 1], widthMultiplier: 0.25 })
    randomiseNorms(spec, params, 5)
    const batches = [1, 2, 3].map((seed) => tf.add(randomBatch(spec, 4, seed), seed))
    const before = tf.memory().numTensors
    expect(await recalibrateBatchNorm(spec, params, batches)).toBe(3)
    expect(tf.memory().numTensors).toBe(before)
    // bn1 reads conv1 (no bias) of the raw input: its moments are computable without the network.
    const n = 4 * 8 * 8
    const perBatch = batches.map((x) =>
      tf.tidy(() => {
        const { mean, variance } = tf.moments(
          tf.conv2d(x as tf.Tensor4D, params.get('conv1.weight') as tf.Tensor4D, 1, 1),
          [0, 1, 2],
        )
        return {
          mean: mean.arraySync() as number[],
          variance: (variance.arraySync() as number[]).map((v) => (v * n) / (n - 1)),
        }
      }),
    )
    const runningMean = params.get('bn1.runningMean')!.arraySync() as number[]
    const runningVar = params.get('bn1.runningVar')!.arraySync() as number[]
    runningMean.forEach((m, c) => {
      expect(m).toBeCloseTo(perBatch.reduce((s, b) => s + b.mean[c]!, 0) / 3, 5)
      expect(runningVar[c]).toBeCloseTo(perBatch.reduce((s, b) => s + b.variance[c]!, 0) / 3, 4)
    })
    // The batches differ in offset, so a momentum average would sit elsewhere.
    expect(Math.abs(runningMean[0]! - perBatch[2]!.mean[0]!)).toBeGreaterThan(1e-3)
    tf.dispose(batches)
    disposeParameters(params)
  })

  it('accepts an async iterable of batches and rejects an empty one', async () => {
    const { spec, params } = smallNetwork('mlp', { input: [4, 4, 1] })
    async function* none(): AsyncGenerator<tf.Tensor> {}
    await expect(recalibrateBatchNorm(spec, params, none())).rejects.toThrow(/at least one training batch/)
    const net = smallNetwork('resnet20', { input: [8, 8, 3] })
    const x = randomBatch(net.spec, 2, 1)
    async function* one(): AsyncGenerator<tf.Tensor> {
      yield x
    }
    expect(await recalibrateBatchNorm(net.spec, net.params, one())).toBe(1)
    const check = forward(net.spec, net.params, x, { training: false })
    expect(check.logits.shape).toEqual([2, 10])
    tf.dispose([x, check.logits])
    disposeParameters(params)
    disposeParameters(net.params)
  })
})
