import { describe, expect, it } from 'vitest'
import { presetConfig } from '../../../src/shared/config/presets'
import { parseExperimentConfig } from '../../../src/shared/config/parseConfig'
import { configFields } from '../../../src/renderer/form/configFields'
import { formSections, hiddenFields } from '../../../src/renderer/form/formLayout'
import {
  durationFromInput,
  durationInput,
  getPath,
  issuesByField,
  numberFromText,
  numberListFromText,
  setPath,
} from '../../../src/renderer/form/configDraft'

describe('run form fields', () => {
  const fields = configFields()

  it('finds every leaf setting of the config with its label and description', () => {
    const density = fields.find((f) => f.path === 'sparsity.density')!
    expect(density.label).toBe('Density d')
    expect(density.description).toMatch(/budget/)
    expect(density.kind).toEqual({ type: 'number', integer: false })
    expect(fields.find((f) => f.path === 'channels.interval')!.kind.type).toBe('duration')
    expect(fields.find((f) => f.path === 'sparsity.init')!.kind).toEqual({
      type: 'choice',
      options: ['ERK', 'ER', 'uniform'],
    })
    expect(fields.find((f) => f.path === 'data.trainLimit')!.optional).toBe(true)
    expect(fields.find((f) => f.path === 'optim.lrMilestones')!.kind.type).toBe('number-list')
    expect(fields.every((f) => f.label.length > 0 && f.description.length > 0)).toBe(true)
  })

  it('places every field in exactly one section of the form', () => {
    const placed = formSections.flatMap((s) => s.fields)
    expect(new Set(placed).size).toBe(placed.length)
    const expected = fields.map((f) => f.path).filter((p) => !hiddenFields.includes(p))
    expect([...placed].sort()).toEqual([...expected].sort())
  })
})

describe('config drafts', () => {
  it('sets a nested setting without touching the original', () => {
    const draft = { sparsity: { density: 0.1 } }
    const next = setPath(draft, 'sparsity.density', 0.2)
    expect(getPath(next, 'sparsity.density')).toBe(0.2)
    expect(draft.sparsity.density).toBe(0.1)
    expect(getPath(setPath(next, 'sparsity.density', undefined), 'sparsity.density')).toBeUndefined()
  })

  it('keeps text that is not a number so the schema rejects it with its own message', () => {
    expect(numberFromText(' 0.5 ')).toBe(0.5)
    expect(numberFromText('')).toBeUndefined()
    expect(numberFromText('three')).toBe('three')
    const config = setPath(
      presetConfig('quick-fashion-mnist') as never,
      'optim.epochs',
      numberFromText('three'),
    )
    const parsed = parseExperimentConfig(config)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok)
      expect(parsed.issues).toContainEqual({ path: 'optim.epochs', message: 'optim.epochs must be a number' })
  })

  it('edits fractions of the run as percentages', () => {
    expect(durationInput({ value: 0.8125, unit: 'fraction' })).toEqual({ value: '81.25', unit: 'fraction' })
    expect(durationFromInput({ value: '50', unit: 'fraction' })).toEqual({ value: 0.5, unit: 'fraction' })
    expect(durationFromInput({ value: '2', unit: 'epochs' })).toEqual({ value: 2, unit: 'epochs' })
  })

  it('reads milestone lists', () => {
    expect(numberListFromText('0.5, 0.75')).toEqual([0.5, 0.75])
    expect(numberListFromText('0.5 x')).toEqual([0.5, 'x'])
  })

  it('files each issue under its field, array entries included, and the rest as general', () => {
    const fields = configFields()
    const { byPath, general } = issuesByField(
      [
        { path: 'optim.lrMilestones.1', message: 'too big' },
        { path: 'config.sparsity.density', message: 'at most 1' },
        { path: '', message: 'whole config' },
      ],
      fields,
    )
    expect(byPath.get('optim.lrMilestones')).toEqual(['too big'])
    expect(byPath.get('sparsity.density')).toEqual(['at most 1'])
    expect(general).toEqual(['whole config'])
  })
})
