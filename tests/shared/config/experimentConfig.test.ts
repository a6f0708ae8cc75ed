import { describe, expect, it } from 'vitest'
import { ExperimentConfig } from '../../../src/shared/config/experimentConfig'
import { parseExperimentConfig } from '../../../src/shared/config/parseConfig'
import { presetConfig, presets } from '../../../src/shared/config/presets'

describe('ExperimentConfig', () => {
  it('fills every field from defaults when given nothing', () => {
    const config = ExperimentConfig.parse({})
    expect(config.sparsity.density).toBe(0.1)
    expect(config.channels.sparsity).toBe(0.5)
    expect(config.sparsity.updateInterval).toEqual({ value: 0.0125, unit: 'fraction' })
    expect(config.system.seed).toBe(41)
  })

  it('names the field and the fix for an out-of-range value', () => {
    const result = parseExperimentConfig({ sparsity: { density: 0 } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues).toEqual([
      {
        path: 'sparsity.density',
        message: 'sparsity.density must be above 0 (0.1 keeps 10 % of the weights)',
      },
    ])
  })

  it('rejects a misspelt key instead of ignoring it', () => {
    const result = parseExperimentConfig({ channels: { sparsty: 0.3 } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues[0]!.message).toContain('unknown setting channels.sparsty')
  })

  it('lists the allowed values for a bad choice', () => {
    const result = parseExperimentConfig({ system: { backend: 'cuda' } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues[0]).toMatchObject({ path: 'system.backend' })
    expect(result.issues[0]!.message).toContain('"tensorflow-gpu"')
  })

  it('rejects a soft bound that would exceed a dense network', () => {
    const result = parseExperimentConfig({ sparsity: { density: 0.98, softBoundIncrement: 0.05 } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues[0]!.path).toBe('sparsity.softBoundIncrement')
    expect(result.issues[0]!.message).toContain('at most 0.02')
  })

  it('rejects decreasing LR milestones', () => {
    const result = parseExperimentConfig({ optim: { lrMilestones: [0.75, 0.5] } })
    expect(result.ok).toBe(false)
  })

  it('reads durations written as text', () => {
    const config = ExperimentConfig.parse({
      channels: { interval: '2 epochs', end: '81.25%' },
      sparsity: { updateInterval: 500 },
    })
    expect(config.channels.interval).toEqual({ value: 2, unit: 'epochs' })
    expect(config.channels.end).toEqual({ value: 0.8125, unit: 'fraction' })
    expect(config.sparsity.updateInterval).toEqual({ value: 500, unit: 'steps' })
  })

  it('rejects a fraction of the run above 1', () => {
    expect(parseExperimentConfig({ channels: { end: { value: 2, unit: 'fraction' } } }).ok).toBe(false)
  })
})

describe('presets', () => {
  it.each(presets.map((p) => p.name))('%s is a valid config', (name) => {
    const config = presetConfig(name)
    expect(config.preset).toBe(name)
  })

  it('mirrors the paper VGG-19 script', () => {
    const config = presetConfig('paper-vgg19-cifar100')
    expect(config.model.arch).toBe('vgg19')
    expect(config.data.dataset).toBe('cifar100')
    expect(config.optim).toMatchObject({
      epochs: 160,
      batchSize: 100,
      lr: 0.1,
      momentum: 0.9,
      weightDecay: 5e-4,
    })
    expect(config.sparsity).toMatchObject({ density: 0.1, softBoundIncrement: 0.05, init: 'ERK' })
    expect(config.channels).toMatchObject({ sparsity: 0.5, floorRatio: 0.2, schedule: 'cubic', score: 'umm' })
    expect(config.channels.interval).toEqual({ value: 16, unit: 'epochs' })
    expect(config.system.seed).toBe(41)
  })

  it('mirrors the paper ResNet-50 script (ΔT 1000, β 0.5)', () => {
    const config = presetConfig('paper-resnet50-cifar100')
    expect(config.model.arch).toBe('resnet50')
    expect(config.channels.interval).toEqual({ value: 2, unit: 'epochs' })
    expect(config.channels.floorRatio).toBe(0.5)
  })

  it('says which presets exist when asked for an unknown one', () => {
    expect(() => presetConfig('nope')).toThrow(/quick-fashion-mnist/)
  })
})

describe('cross-field checks', () => {
  it('does not tell the user to lower Δ below zero when d itself is out of range', () => {
    const result = parseExperimentConfig({ sparsity: { density: 1.5 } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues.map((i) => i.path)).toEqual(['sparsity.density'])
  })
})
