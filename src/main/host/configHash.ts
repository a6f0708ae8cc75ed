import { createHash } from 'node:crypto'
import type { ExperimentConfig } from '../../shared/config/experimentConfig'

/** JSON with object keys sorted, so equal configs give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** Identifies what a run trains: the run's name is left out, so a renamed copy hashes the same. */
export function configHash(config: ExperimentConfig): string {
  const { name: _name, ...trained } = config
  return createHash('sha256').update(canonicalJson(trained)).digest('hex').slice(0, 16)
}
