import type { ConfigIssue } from '../../shared/config/configIssues'
import { parseDuration, type DurationUnit } from '../../shared/config/duration'
import type { ConfigField } from './configFields'

/** A config being edited: plain JSON that may still hold invalid values (the validator reports them). */
export type Draft = Record<string, unknown>

export function getPath(draft: Draft, path: string): unknown {
  let node: unknown = draft
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return node
}

/** A copy of `draft` with one setting changed; `undefined` removes it (the default applies). */
export function setPath(draft: Draft, path: string, value: unknown): Draft {
  const parts = path.split('.')
  const copy: Draft = { ...draft }
  let node = copy
  for (const part of parts.slice(0, -1)) {
    const child = node[part]
    const next = typeof child === 'object' && child !== null && !Array.isArray(child) ? { ...child } : {}
    node[part] = next
    node = next as Draft
  }
  const last = parts[parts.length - 1]!
  if (value === undefined) delete node[last]
  else node[last] = value
  return copy
}

/**
 * The value typed into a text box: a number when it reads as one, nothing when empty, else the raw text,
 * which the schema then rejects with its own message ("optim.epochs must be a number").
 */
export function numberFromText(text: string): number | string | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  const value = Number(trimmed)
  return Number.isFinite(value) ? value : trimmed
}

export function textFromValue(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return value.map(textFromValue).join(', ')
  return String(value)
}

/** "0.5, 0.75" → [0.5, 0.75]; a bad entry stays text so the schema names it. */
export function numberListFromText(text: string): (number | string)[] {
  return text
    .split(/[,\s]+/)
    .filter(Boolean)
    .map((part) => numberFromText(part) ?? part)
}

export interface DurationInput {
  value: string
  unit: DurationUnit
}

/** A duration as the form edits it: the number as typed, and its unit. */
export function durationInput(value: unknown): DurationInput {
  if (typeof value === 'object' && value !== null && 'unit' in value && 'value' in value) {
    const d = value as { value: unknown; unit: DurationUnit }
    // A fraction is edited as a percentage, which is how people say "81.25 % of the run".
    if (d.unit === 'fraction' && typeof d.value === 'number')
      return { value: String(+(d.value * 100).toFixed(6)), unit: 'fraction' }
    return { value: textFromValue(d.value), unit: d.unit }
  }
  if (typeof value === 'string') {
    const parsed = parseDuration(value)
    if (parsed) return durationInput(parsed)
  }
  if (typeof value === 'number') return { value: String(value), unit: 'steps' }
  return { value: '', unit: 'steps' }
}

export function durationFromInput(input: DurationInput): unknown {
  const number = numberFromText(input.value)
  if (typeof number !== 'number') return { value: number ?? '', unit: input.unit }
  return { value: input.unit === 'fraction' ? number / 100 : number, unit: input.unit }
}

/** Issues grouped by field path; issues on a group (e.g. `sparsity`) go to the whole-form list. */
export function issuesByField(
  issues: readonly ConfigIssue[],
  fields: readonly ConfigField[],
): { byPath: Map<string, string[]>; general: string[] } {
  const known = new Set(fields.map((f) => f.path))
  const byPath = new Map<string, string[]>()
  const general: string[] = []
  for (const issue of issues) {
    const path = issue.path.replace(/^config\./, '')
    // A message about an array entry (optim.lrMilestones.1) belongs to its field.
    const field = [...known].find((p) => path === p || path.startsWith(`${p}.`))
    if (field) byPath.set(field, [...(byPath.get(field) ?? []), issue.message])
    else general.push(path ? `${path}: ${issue.message}` : issue.message)
  }
  return { byPath, general }
}
