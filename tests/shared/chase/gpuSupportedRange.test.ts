import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  lateLayersFirstAlive,
  proportionalAlive,
  type RangeGroup,
} from '../../../src/shared/chase/gpuSupportedRange'
import { channelFloor } from '../../../src/shared/chase/channelFloors'
import { computePlan, type ChasePlan } from '../../../src/shared/chase/plan'
import type { ExperimentConfig } from '../../../src/shared/config/experimentConfig'
import { presetConfig } from '../../../src/shared/config/presets'
import { datasets } from '../../../src/shared/data/datasets'
import { modelCost } from '../../../src/shared/models/flops'
import { buildModel } from '../../../src/shared/models/registry'
import type { ModelSpec } from '../../../src/shared/models/modelSpec'
import { tinyConfig } from '../../support/trainerProcess'

const vggWidths = [64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512]
const vggGroups = vggWidths.map((channels, i) => ({
  name: `g${i}`,
  channels,
  minChannels: channelFloor(channels, 0.5, 0.2),
}))

describe('the named outcomes inside the GPU-supported range', () => {
  it('late-layers-first gives the official selection on initial VGG-19 weights (alive 64 … 512, 321, 51 ×5)', () => {
    const alive = lateLayersFirstAlive(vggGroups, 2496)
    expect(vggGroups.map((g) => alive.get(g.name))).toEqual([
      64, 64, 128, 128, 256, 256, 256, 256, 512, 321, 51, 51, 51, 51, 51,
    ])
  })

  it('never goes below a floor, even when asked to remove more than the floors allow', () => {
    const alive = lateLayersFirstAlive(vggGroups, 10_000)
    for (const g of vggGroups) expect(alive.get(g.name)).toBe(g.minChannels)
  })

  it('proportional removal keeps the same share of every group', () => {
    const alive = proportionalAlive(vggGroups, 0.5)
    expect(vggGroups.map((g) => alive.get(g.name))).toEqual(vggWidths.map((w) => w / 2))
  })
})

interface Planned {
  readonly plan: ChasePlan
  readonly spec: ModelSpec
}

function planned(config: ExperimentConfig): Planned {
  const result = computePlan(config)
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'))
  const info = datasets[config.data.dataset]
  const spec = buildModel(config.model.arch, {
    input: info.input,
    classes: info.classes,
    widthMultiplier: config.model.widthMultiplier,
  })
  return { plan: result.plan, spec }
}

/** The measured GPU-supported ratio of a net with `alive[g]` channels alive in group g (modelCost, as a run reports it). */
function measuredRatio({ spec }: Planned, groups: readonly RangeGroup[], alive: readonly number[]): number {
  const flags = new Map(
    groups.map((g, i) => [g.name, Array.from({ length: g.channels }, (_, c) => c < alive[i]!)]),
  )
  const cost = modelCost(spec, { alive: flags })
  return cost.gpuMacs / cost.denseMacs
}

/**
 * A feasible end state: `removeTotal` channels removed, no group below its floor. Either groups are
 * emptied whole in `order` (the corners, where the extremes lie) or removal is spread by `weights` and the
 * rest taken in `order`.
 */
function allocation(
  groups: readonly RangeGroup[],
  removeTotal: number,
  order: readonly number[],
  weights: readonly number[] | null,
): number[] {
  const removed = groups.map(() => 0)
  const room = (i: number) => groups[i]!.channels - groups[i]!.minChannels - removed[i]!
  let left = removeTotal
  if (weights) {
    const sum = weights.reduce((a, b) => a + b, 0) || 1
    groups.forEach((_, i) => {
      removed[i] = Math.min(room(i), Math.floor((removeTotal * weights[i]!) / sum))
      left -= removed[i]!
    })
  }
  for (const i of order) {
    const take = Math.min(left, room(i))
    removed[i]! += take
    left -= take
  }
  expect(left).toBe(0)
  return groups.map((g, i) => g.channels - removed[i]!)
}

const rangeCases: [string, ExperimentConfig][] = [
  ['paper-vgg19-cifar100', presetConfig('paper-vgg19-cifar100')],
  ['quick-cifar10 (VGG-19 ×0.25)', presetConfig('quick-cifar10')],
  ['quick-resnet32-prune-skip-cifar10', presetConfig('quick-resnet32-prune-skip-cifar10')],
  [
    'resnet20-prune-skip, Sc = 0.4, β = 0.3',
    tinyConfig({
      model: { arch: 'resnet20-prune-skip' },
      data: { dataset: 'cifar10' },
      channels: { sparsity: 0.4, floorRatio: 0.3 },
    }),
  ],
  [
    'resnet50-prune-skip (paper ResNet-50 schedule)',
    {
      ...presetConfig('paper-resnet50-cifar100'),
      model: { arch: 'resnet50-prune-skip', widthMultiplier: 1 },
    },
  ],
]

describe.each(rangeCases)('the GPU-supported range of %s', (_, config) => {
  const run = planned(config)
  const { plan } = run
  const groups = plan.channelGroups
  const removeTotal = plan.baselineChannels - plan.channelEvents.at(-1)!.targetAliveChannels
  const [low, high] = plan.gpuSupportedRatioRange

  it('contains every allocation of the final channels that keeps the floors', () => {
    const indices = groups.map((_, i) => i)
    fc.assert(
      fc.property(
        fc.shuffledSubarray(indices, { minLength: indices.length, maxLength: indices.length }),
        fc.option(
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
            minLength: groups.length,
            maxLength: groups.length,
          }),
        ),
        (order, weights) => {
          const ratio = measuredRatio(run, groups, allocation(groups, removeTotal, order, weights))
          expect(ratio).toBeGreaterThanOrEqual(low - 1e-9)
          expect(ratio).toBeLessThanOrEqual(high + 1e-9)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('contains the proportional and late-layers-first outcomes, with the proportional one as the estimate', () => {
    const alive = lateLayersFirstAlive(groups, removeTotal)
    const late = measuredRatio(
      run,
      groups,
      groups.map((g) => alive.get(g.name)!),
    )
    for (const ratio of [plan.gpuSupportedRatio, late]) {
      expect(ratio).toBeGreaterThanOrEqual(low - 1e-9)
      expect(ratio).toBeLessThanOrEqual(high + 1e-9)
    }
  })
})

describe('the GPU-supported range is close to what allocations reach', () => {
  const run = planned(presetConfig('paper-vgg19-cifar100'))
  const groups = run.plan.channelGroups
  const [low, high] = run.plan.gpuSupportedRatioRange
  const removeTotal = 2496

  it('VGG-19: removing, 16 channels at a time, where the ratio drops most reaches within 0.002 of the low end', () => {
    const alive = groups.map((g) => g.channels)
    for (let left = removeTotal; left > 0;) {
      let pick = -1
      let pickRatio = Infinity
      groups.forEach((g, i) => {
        const take = Math.min(16, left, alive[i]! - g.minChannels)
        if (take === 0) return
        const ratio = measuredRatio(
          run,
          groups,
          alive.map((a, j) => (j === i ? a - take : a)),
        )
        if (ratio < pickRatio) [pick, pickRatio] = [i, ratio]
      })
      const take = Math.min(16, left, alive[pick]! - groups[pick]!.minChannels)
      alive[pick]! -= take
      left -= take
    }
    expect(measuredRatio(run, groups, alive) - low).toBeLessThan(0.002)
    expect(low).toBeCloseTo(0.077, 3)
  })

  it('VGG-19: the official late-layers-first outcome (0.690×) is within 0.03 of the high end', () => {
    const alive = lateLayersFirstAlive(groups, removeTotal)
    const late = measuredRatio(
      run,
      groups,
      groups.map((g) => alive.get(g.name)!),
    )
    expect(late).toBeCloseTo(0.69, 2)
    expect(high - late).toBeLessThan(0.03)
    expect(high).toBeCloseTo(0.713, 3)
  })
})

describe('the GPU-supported range of a prune-skip ResNet', () => {
  it('contains the 0.620× a trained ResNet-32 prune-skip run measured (pruneSkipTraining.test.ts), which the old 0.19–0.26× did not', () => {
    const { plan } = planned(
      tinyConfig({
        model: { arch: 'resnet32-prune-skip', widthMultiplier: 0.25 },
        data: {
          dataset: 'cifar10',
          path: resolve(__dirname, '../../fixtures/data/cifar-10-batches-bin'),
          validationSplit: 0.1,
        },
        optim: { epochs: 2, batchSize: 50 },
        sparsity: { updateInterval: '2 steps' },
        channels: { sparsity: 0.5, interval: '4 steps', end: '10 steps', floorRatio: 0.5 },
      }),
    )
    const [low, high] = plan.gpuSupportedRatioRange
    expect(low).toBeLessThan(0.6198)
    expect(high).toBeGreaterThan(0.6198)
  })

  it('for the quick preset spans from emptying the residual streams to emptying the cheap block-internal groups', () => {
    const { plan } = planned(presetConfig('quick-resnet32-prune-skip-cifar10'))
    expect(plan.gpuSupportedRatioRange[0]).toBeCloseTo(0.105, 3)
    expect(plan.gpuSupportedRatioRange[1]).toBeCloseTo(0.608, 3)
  })
})

it('is [1, 1] for a run that removes no channels', () => {
  const { plan } = planned({
    ...presetConfig('quick-cifar10'),
    channels: { ...presetConfig('quick-cifar10').channels, sparsity: 0 },
  })
  expect(plan.gpuSupportedRatioRange).toEqual([1, 1])
})
