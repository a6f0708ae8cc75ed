import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { applyOverrides } from '../../shared/config/overrides'
import { getPreset, presetNames } from '../../shared/config/presets'
import { requireExperimentConfig } from '../../shared/config/parseConfig'
import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import { UsageError } from './command'

export interface ConfigSource {
  readonly preset?: string
  readonly configFile?: string
  readonly sets?: readonly string[]
  readonly cwd?: string
}

/** Builds the run config from `--preset` or `--config`, then `--set` overrides, validated with clear errors. */
export function loadConfig(source: ConfigSource): ExperimentConfig {
  if (source.preset && source.configFile) {
    throw new UsageError('give either --preset or --config, not both (use --set to change a preset)')
  }
  let base: Record<string, unknown>
  let origin: string
  if (source.preset) {
    const preset = getPreset(source.preset)
    if (!preset)
      throw new UsageError(`unknown preset "${source.preset}": choose one of ${presetNames().join(', ')}`)
    base = { ...structuredClone(preset.config), preset: preset.name }
    origin = `preset ${preset.name}`
  } else if (source.configFile) {
    const path = resolve(source.cwd ?? process.cwd(), source.configFile)
    base = readConfigFile(path)
    origin = path
  } else {
    throw new UsageError(`give --preset <name> (${presetNames().join(', ')}) or --config <file.json>`)
  }
  let withOverrides: Record<string, unknown>
  try {
    withOverrides = applyOverrides(base, source.sets ?? [])
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  return requireExperimentConfig(withOverrides, `The config from ${origin} is not valid`)
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(
      code === 'ENOENT'
        ? `config file ${path} does not exist`
        : `cannot read config file ${path} (${code ?? error})`,
    )
  }
  let value: unknown
  try {
    // Editors on Windows save UTF-8 with a byte-order mark; JSON.parse rejects it.
    value = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(error as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`config file ${path} must hold one JSON object (a run config)`)
  }
  return value as Record<string, unknown>
}
