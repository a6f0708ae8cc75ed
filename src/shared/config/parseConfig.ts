import { ExperimentConfig } from './experimentConfig'
import { ConfigError, configIssues, type ConfigIssue } from './configIssues'

export type ConfigParseResult =
  | { readonly ok: true; readonly config: ExperimentConfig }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] }

/** Validates untrusted input (a form, a file, an API payload) into a full config, or every problem found. */
export function parseExperimentConfig(input: unknown): ConfigParseResult {
  const result = ExperimentConfig.safeParse(input)
  return result.success
    ? { ok: true, config: result.data }
    : { ok: false, issues: configIssues(result.error) }
}

/** As `parseExperimentConfig`, but throws a `ConfigError` that lists the problems. */
export function requireExperimentConfig(input: unknown, intro?: string): ExperimentConfig {
  const result = parseExperimentConfig(input)
  if (!result.ok) throw new ConfigError(result.issues, intro)
  return result.config
}
