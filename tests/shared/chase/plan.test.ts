import { describe, expect, it } from 'vitest'
import { ExperimentConfig, type ExperimentConfigInput } from '../../../src/shared/config/experimentConfig'
import { presetConfig, presetNames } from '../../../src/shared/config/presets'
import { computePlan, planForSpec, type ChasePlan, type PlanResult } from '../../../src/shared/chase/plan'
import { SpecBuilder } from '../../../src/shared/models/specBuilder'

function planOf(result: PlanResult): ChasePlan {
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'))
  return result.plan
}

function config(input: ExperimentConfigInput): ExperimentConfig {
  return ExperimentConfig.parse(input)
}

describe('computePlan for the paper VGG-19/CIFAR-100 preset', () => {
  const plan = planOf(computePlan(presetConfig('paper-vgg19-cifar100')))
  const layer = (name: string) => plan.layers.find((l) => l.name === name)!

  it('shows the ERK densities of §2.2', () => {
    expect(layer('features.0').density).toBe(1)
    expect(layer('classifier').density).toBe(1)
    const expected: [string, number][] = [
      ['features.3', 0.6751],
      ['features.7', 0.4987],
      ['features.10', 0.33],
      ['features.14', 0.2456],
      ['features.20', 0.1631],
      ['features.27', 0.1219],
      ['features.49', 0.0811],
    ]
    for (const [name, density] of expected) expect(layer(name).density).toBeCloseTo(density, 4)
  })

  it('counts N = 20,070,080 and the budget 2,007,008', () => {
    expect(plan.maskableWeights).toBe(20_070_080)
    expect(plan.budget).toBeCloseTo(2_007_008, 6)
  })

  it('shows the floors 6/12/25/51 on the prunable layers and none on the last conv', () => {
    expect(layer('features.0').minChannels).toBe(6)
    expect(layer('features.7').minChannels).toBe(12)
    expect(layer('features.14').minChannels).toBe(25)
    expect(layer('features.27').minChannels).toBe(51)
    expect(layer('features.49').prunable).toBe(false)
    expect(layer('features.49').minChannels).toBeNull()
    expect(plan.baselineChannels).toBe(4992)
  })

  it('lists the 8 channel events of the README run at its epochs (15, 31, …, 127) and targets', () => {
    expect(plan.channelEvents.map((e) => e.step / plan.stepsPerEpoch)).toEqual([
      15, 31, 47, 63, 79, 95, 111, 127,
    ])
    expect(plan.channelEvents.map((e) => e.targetAliveChannels)).toEqual([
      4224, 3598, 3146, 2838, 2647, 2545, 2504, 2496,
    ])
  })

  it('holds out 5 % for validation: 475 steps per epoch, 76,000 steps', () => {
    expect(plan.validationImages).toBe(2500)
    expect(plan.stepsPerEpoch).toBe(475)
    expect(plan.totalSteps).toBe(76_000)
  })

  it('ends pruning and the soft bound at epoch 130, decays the LR after epochs 80 and 120', () => {
    expect(plan.timing.channelEndStep).toBe(130 * 475)
    expect(plan.timing.softBoundEndStep).toBe(130 * 475)
    expect(plan.lrMilestoneSteps).toEqual([80 * 475, 120 * 475])
    // The event of epoch 79 comes before the first decay, as in the paper (39,500 < 40,000).
    expect(plan.channelEvents[4]!.step).toBeLessThan(plan.lrMilestoneSteps[0]!)
  })

  it('opens the selection window at epoch 130, after the last channel event', () => {
    expect(plan.selectionWindow).toEqual({ epochs: 30, startEpoch: 130, startStep: 130 * 475 })
    expect(plan.channelEvents.at(-1)!.step).toBeLessThan(plan.selectionWindow.startStep)
  })

  it('runs 64 soft-bound updates with dr from 0.14997 to 0.10003, then 16 classic-DST updates', () => {
    expect(plan.updates.softBound).toBe(64)
    expect(plan.updates.classic).toBe(16)
    const first = plan.densityCurve[0]!
    expect(first.step).toBe(950)
    expect(first.densityAfter).toBeCloseTo(0.14997, 5)
    const lastSoft = plan.densityCurve.filter((p) => p.kind === 'soft-bound').at(-1)!
    expect(lastSoft.densityAfter).toBeCloseTo(0.10003, 5)
    const classic = plan.densityCurve.filter((p) => p.kind === 'classic')
    expect(classic[0]!.dstRate).toBeCloseTo(0.04671, 5)
    expect(classic.at(-1)!.dstRate).toBeCloseTo(0.005, 5)
  })

  it('bounds the GPU-supported ratio by 0.077–0.713×, around the proportional 0.257× and the official 0.690×', () => {
    const [low, high] = plan.gpuSupportedRatioRange
    expect(low).toBeCloseTo(0.077, 3)
    expect(high).toBeCloseTo(0.713, 3)
    expect(plan.gpuSupportedRatio).toBeCloseTo(0.257, 3)
    expect(plan.notes.join(' ')).toContain('proportion to width gives 0.257× and from the last layers first')
    expect(plan.notes.join(' ')).toContain('0.690×')
  })

  it('reports the dense MACs ≈ 398.2 M and ratios below 1', () => {
    expect(plan.denseMacs / 1e6).toBeCloseTo(398.2, 1)
    expect(plan.gpuSupportedRatio).toBeLessThan(1)
    expect(plan.theoreticalRatio).toBeLessThan(plan.gpuSupportedRatio)
    expect(plan.trainingFlopsRatio).toBeGreaterThan(0)
    expect(plan.trainingFlopsRatio).toBeLessThan(1)
  })
})

describe('computePlan for the paper VGG-19 preset that selects on the test set', () => {
  const plan = planOf(computePlan(presetConfig('paper-vgg19-cifar100-test-selection')))

  it('holds nothing out and runs the README script step for step', () => {
    expect(plan.validationImages).toBe(0)
    expect(plan.totalSteps).toBe(80_000)
    expect(plan.channelEvents.map((e) => e.step)).toEqual([
      7500, 15500, 23500, 31500, 39500, 47500, 55500, 63500,
    ])
    expect(plan.timing.updateIntervalSteps).toBe(1000)
    expect(plan.timing.softBoundEndStep).toBe(65_000)
    expect(plan.lrMilestoneSteps).toEqual([40_000, 60_000])
    expect(plan.selectionWindow.startStep).toBe(65_000)
  })

  it('is labelled as selecting on the test set', () => {
    const config = presetConfig('paper-vgg19-cifar100-test-selection')
    expect(config.selection.checkpointOn).toBe('test')
  })
})

describe('computePlan for the paper ResNet-50/CIFAR-100 preset', () => {
  const plan = planOf(computePlan(presetConfig('paper-resnet50-cifar100')))

  it('shows the ResNet-50 ERK densities of §2.2 on the registry model', () => {
    const density = (name: string) => plan.layers.find((l) => l.name === name)!.density
    expect(density('conv1')).toBe(1)
    expect(density('layer1.0.conv1')).toBe(1)
    expect(density('layer1.1.conv2')).toBeCloseTo(0.1675, 4)
    expect(density('layer1.0.shortcut.0')).toBeCloseTo(0.9055, 4)
    expect(density('layer2.2.conv2')).toBeCloseTo(0.0819, 4)
    expect(density('layer3.5.conv2')).toBeCloseTo(0.0405, 4)
    expect(density('layer4.1.conv2')).toBeCloseTo(0.0201, 4)
    expect(density('layer4.1.conv3')).toBeCloseTo(0.1126, 4)
    expect(density('linear')).toBeCloseTo(0.4832, 4)
  })

  it('shows the ResNet-50 floors 16/32/64/128', () => {
    const floors = new Map(plan.layers.filter((l) => l.prunable).map((l) => [l.channels, l.minChannels]))
    expect(Object.fromEntries(floors)).toEqual({ 64: 16, 128: 32, 256: 64, 512: 128 })
  })

  it('counts the budget 2,365,203.2 and B = 7552', () => {
    expect(plan.budget).toBeCloseTo(2_365_203.2, 6)
    expect(plan.baselineChannels).toBe(7552)
  })

  it('has 65 channel events, the first at epoch 1 with Sc 0.0114', () => {
    expect(plan.channelEvents).toHaveLength(65)
    expect(plan.channelEvents[0]!.step).toBe(plan.stepsPerEpoch)
    expect(plan.channelEvents[0]!.targetChannelSparsity).toBeCloseTo(0.0114, 4)
  })

  it('reports the dense MACs ≈ 1298 M', () => {
    expect(plan.denseMacs / 1e6).toBeCloseTo(1298, 0)
  })
})

describe('computePlan feasibility checks', () => {
  it('plans every built-in preset without errors', () => {
    for (const name of presetNames()) expect(computePlan(presetConfig(name)).ok, name).toBe(true)
  })

  it('rejects an unknown model with the list of models', () => {
    const result = computePlan(config({ model: { arch: 'lenet' } }))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]!.message).toMatch(/unknown model "lenet".*vgg19/)
  })

  it('rejects channel pruning on a model with no channel groups', () => {
    const b = new SpecBuilder([8, 8, 1])
    const x = b.globalAvgPool(
      'pool',
      b.conv('conv', b.inputName, { out: 4, kernel: 3, bias: false, init: 'torch-default' }),
    )
    const logits = b.dense('fc', x, { out: 10, bias: true, init: 'torch-default' })
    const spec = b.build({
      name: 'tiny',
      family: 'test',
      classes: 10,
      widthMultiplier: 1,
      output: logits,
      channelGroups: [],
    })
    const result = planForSpec(
      spec,
      config({ data: { trainLimit: 1000 }, channels: { sparsity: 0.5, interval: '2 steps' } }),
    )
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors.map((e) => e.path)).toContain('channels.sparsity')
  })

  it('rejects a schedule in which no channel event falls', () => {
    const result = computePlan(
      config({
        model: { arch: 'cnn-small' },
        data: { trainLimit: 1000 },
        optim: { epochs: 1 },
        channels: { sparsity: 0.5, interval: '5000 steps' },
      }),
    )
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]).toMatchObject({ path: 'channels.interval' })
  })

  it('rejects an update interval of 0 steps', () => {
    const result = computePlan(
      config({ model: { arch: 'cnn-small' }, sparsity: { updateInterval: '0 steps' } }),
    )
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]).toMatchObject({ path: 'sparsity.updateInterval' })
  })

  it('rejects floors that the channel target cannot leave room for', () => {
    // Width ×0.05 gives 2- and 3-channel groups whose floors are raised to 1: Sc = 0.9 leaves too few.
    const result = computePlan(
      config({
        model: { arch: 'cnn-small', widthMultiplier: 0.05 },
        channels: { sparsity: 0.9, floorRatio: 1 },
      }),
    )
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors.map((e) => e.path)).toContain('channels.floorRatio')
  })

  it('treats Sc = 0 with channel pruning on as a no-op with no events', () => {
    const plan = planOf(computePlan(config({ model: { arch: 'cnn-small' }, channels: { sparsity: 0 } })))
    expect(plan.channelEvents).toEqual([])
    expect(plan.gpuSupportedRatio).toBe(1)
  })

  it('plans a dense run at density 1 with no updates', () => {
    const plan = planOf(
      computePlan(
        config({ model: { arch: 'cnn-small' }, sparsity: { enabled: false }, channels: { enabled: false } }),
      ),
    )
    expect(plan.layers.every((l) => l.density === 1)).toBe(true)
    expect(plan.updates).toEqual({ softBound: 0, classic: 0 })
    expect(plan.trainingFlopsRatio).toBeCloseTo(1, 12)
  })

  it('warns when T_c lies beyond the run', () => {
    const result = computePlan(
      config({
        model: { arch: 'cnn-small' },
        data: { trainLimit: 1000 },
        optim: { epochs: 2 },
        channels: { interval: '5 steps', end: '1000 steps' },
      }),
    )
    expect(result.ok).toBe(true)
    expect(result.warnings.map((w) => w.path)).toContain('channels.end')
  })

  it('uses the steps per epoch the trainer passes', () => {
    const plan = planOf(computePlan(presetConfig('paper-vgg19-cifar100'), { stepsPerEpoch: 500 }))
    expect(plan.totalSteps).toBe(80_000)
    expect(plan.updates.classic).toBe(16)
    expect(plan.densityCurve.at(-1)!.dstRate).toBeCloseTo(0.005, 5)
  })
})
