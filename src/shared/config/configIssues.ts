import type { z } from 'zod'

export interface ConfigIssue {
  /** Dotted field path, e.g. `sparsity.density`; empty for the whole config. */
  readonly path: string
  readonly message: string
}

/** Flattens zod issues into one line per field, naming the field and the fix. */
export function configIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.')
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k))
      return {
        path,
        message: `unknown setting ${keys.join(', ')}: check the spelling (see --help for the fields)`,
      }
    }
    if (issue.code === 'invalid_value' && 'values' in issue) {
      return { path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` }
    }
    return { path, message: issue.message }
  })
}

/** A config that failed validation; its message lists every problem, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(
    readonly issues: readonly ConfigIssue[],
    intro = 'The run config is not valid',
  ) {
    super(`${intro}:\n${issues.map((i) => `  - ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n')}`)
  }
}
