import { hasModel, modelNames } from '../models/registry'
import { ExperimentConfig } from './experimentConfig'
import { ConfigError, configIssues, type ConfigIssue } from './configIssues'

export type ConfigParseResult =
  | { readonly ok: true; readonly config: ExperimentConfig }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] }

/** Validates untrusted input (a form, a file, an API payload) into a full config, or every problem found. */
export function parseExperimentConfig(input: unknown): ConfigParseResult {
  const result = ExperimentConfig.safeParse(input)
  if (!result.success) return { ok: false, issues: configIssues(result.error) }
  // The schema cannot know the model registry; without this a typo starts a trainer that then fails.
  if (!hasModel(result.data.model.arch)) {
    return {
      ok: false,
      issues: [
        {
          path: 'model.arch',
          message: `unknown model "${result.data.model.arch}": pick one of ${modelNames().join(', ')}`,
        },
      ],
    }
  }
  return { ok: true, config: result.data }
}

/** As `parseExperimentConfig`, but throws a `ConfigError` that lists the problems. */
export function requireExperimentConfig(input: unknown, intro?: string): ExperimentConfig {
  const result = parseExperimentConfig(input)
  if (!result.ok) throw new ConfigError(result.issues, intro)
  return result.config
}
