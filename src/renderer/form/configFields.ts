import { z } from 'zod'
import { ExperimentConfig } from '../../shared/config/experimentConfig'

/** How a config setting is edited. */
export type FieldKind =
  | { readonly type: 'number'; readonly integer: boolean }
  | { readonly type: 'text' }
  | { readonly type: 'boolean' }
  | { readonly type: 'choice'; readonly options: readonly string[] }
  | { readonly type: 'duration' }
  | { readonly type: 'number-list' }

export interface ConfigField {
  /** Dotted path, e.g. `sparsity.density`. */
  readonly path: string
  readonly label: string
  readonly description: string
  /** Empty is allowed (the setting is optional). */
  readonly optional: boolean
  readonly kind: FieldKind
}

interface Meta {
  label?: string
  description?: string
}

/**
 * Every leaf setting of `ExperimentConfig`, in schema order, with the label and description its
 * `.meta()` carries. The form is generated from this, so a new config field shows up without UI work.
 */
export function configFields(): ConfigField[] {
  const fields: ConfigField[] = []
  walk(ExperimentConfig, '', fields)
  return fields
}

function walk(schema: z.ZodObject, prefix: string, into: ConfigField[]): void {
  for (const [key, child] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const path = prefix ? `${prefix}.${key}` : key
    const inner = unwrap(child)
    if (inner instanceof z.ZodObject && !isDurationObject(inner)) {
      walk(inner, path, into)
      continue
    }
    const meta = (child.meta() ?? {}) as Meta
    into.push({
      path,
      label: meta.label ?? key,
      description: meta.description ?? '',
      optional: child instanceof z.ZodOptional,
      kind: kindOf(inner),
    })
  }
}

function unwrap(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional)
    return unwrap(schema.unwrap() as z.ZodType)
  return schema
}

function isDurationObject(schema: z.ZodObject): boolean {
  return 'unit' in schema.shape && 'value' in schema.shape
}

function kindOf(schema: z.ZodType): FieldKind {
  if (schema instanceof z.ZodPipe) return { type: 'duration' }
  if (schema instanceof z.ZodNumber) return { type: 'number', integer: schema.isInt }
  if (schema instanceof z.ZodBoolean) return { type: 'boolean' }
  if (schema instanceof z.ZodEnum) return { type: 'choice', options: schema.options.map(String) }
  if (schema instanceof z.ZodArray) return { type: 'number-list' }
  return { type: 'text' }
}
