import { describe, expect, it } from 'vitest'
import { computePlan } from '../../../src/shared/chase/plan'
import { ExperimentConfig } from '../../../src/shared/config/experimentConfig'
import { configForMethod, paperMethods, stretchRun } from '../../../src/shared/config/paperMethods'
import { getPreset, presetConfig, presets } from '../../../src/shared/config/presets'

const planOf = (name: string) => {
  const result = computePlan(presetConfig(name))
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'))
  return result.plan
}

describe('the paper table rows as presets', () => {
  it('has a preset for every method on both laptop bases and the paper VGG-19', () => {
    for (const base of ['quick-fashion-mnist', 'quick-cifar10', 'paper-vgg19-cifar100'])
      for (const method of paperMethods) {
        const name = method === 'chase' ? base : `${base}--${method}`
        expect(getPreset(name)?.table, name).toEqual({ base, method })
      }
  })

  it('plans every row without errors or warnings', () => {
    for (const p of presets.filter((p) => p.table)) {
      const result = computePlan(presetConfig(p.name))
      expect(result.ok, p.name).toBe(true)
      if (result.ok) expect(result.warnings, p.name).toEqual([])
    }
  })

  it('trains the dense row without masks or channel events', () => {
    const plan = planOf('quick-cifar10--dense')
    expect(plan.density).toBe(1)
    expect(plan.channelEvents).toEqual([])
    expect(plan.updates).toEqual({ softBound: 0, classic: 0 })
  })

  it('runs RigL and SET as classic DST that stops at 75 % of the run; RigL-ITOP until the end', () => {
    for (const method of ['set-layer', 'set-global', 'rigl-layer', 'rigl-global']) {
      const plan = planOf(`quick-cifar10--${method}`)
      expect(plan.updates.softBound, method).toBe(0)
      expect(plan.densityCurve.at(-1)!.step, method).toBeLessThan(0.75 * plan.totalSteps)
      expect(plan.densityCurve[0]!.dstRate, method).toBeCloseTo(0.3, 2)
      expect(plan.channelEvents, method).toEqual([])
    }
    const itop = planOf('quick-cifar10--rigl-itop')
    expect(itop.densityCurve.at(-1)!.step).toBeGreaterThan(0.95 * itop.totalSteps)
    const config = presetConfig('quick-cifar10--set-layer')
    expect(config.sparsity).toMatchObject({ regrowth: 'random', updateScope: 'layer' })
    expect(presetConfig('quick-cifar10--rigl-global').sparsity).toMatchObject({
      regrowth: 'gradient',
      updateScope: 'global',
    })
  })

  it('runs MEST as the soft bound with a frozen topology after T_d and no channel pruning', () => {
    const plan = planOf('paper-vgg19-cifar100--mest')
    expect(plan.updates).toEqual({ softBound: 64, classic: 0 })
    expect(plan.channelEvents).toEqual([])
  })

  it('sets the Chase rows to Sc = 0, 0.3 and 0.4', () => {
    expect(planOf('quick-cifar10--chase-sc0').channelEvents).toEqual([])
    expect(planOf('quick-cifar10--chase-sc0.3').channelEvents.at(-1)!.targetChannelSparsity).toBeCloseTo(
      0.3,
      3,
    )
    expect(planOf('quick-cifar10--chase-sc0.4').channelEvents.at(-1)!.targetChannelSparsity).toBeCloseTo(
      0.4,
      3,
    )
  })

  it('stretches Chase 1.5× in proportion: same number of updates and events, each 1.5× later', () => {
    const base = planOf('paper-vgg19-cifar100')
    const long = planOf('paper-vgg19-cifar100--chase-1.5x')
    expect(long.epochs).toBe(240)
    expect(long.updates).toEqual(base.updates)
    // Events fall ⌊ΔTp/2⌋ before each multiple of ΔT, so the shares agree to half a step.
    long.channelEvents.forEach((e, i) =>
      expect(e.step / long.totalSteps).toBeCloseTo(base.channelEvents[i]!.step / base.totalSteps, 4),
    )
    expect(long.channelEvents.map((e) => e.targetAliveChannels)).toEqual(
      base.channelEvents.map((e) => e.targetAliveChannels),
    )
    expect(long.selectionWindow.epochs).toBe(45)
  })

  it('stretches step lengths and rounds the epochs, leaving fractions alone', () => {
    const stretched = ExperimentConfig.parse(
      stretchRun(
        {
          optim: { epochs: 15 },
          sparsity: { updateInterval: '100 steps', softBoundEnd: { value: 0.8, unit: 'fraction' } },
        },
        1.5,
      ),
    )
    expect(stretched.optim.epochs).toBe(23)
    expect(stretched.sparsity.updateInterval).toEqual({ value: 153, unit: 'steps' })
    expect(stretched.sparsity.softBoundEnd).toEqual({ value: 0.8, unit: 'fraction' })
  })

  it('leaves the base config untouched for the chase row', () => {
    const base = getPreset('quick-cifar10')!.config
    expect(configForMethod(base, 'chase')).toBe(base)
  })
})
