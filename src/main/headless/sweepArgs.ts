import type { SweepAxis } from '../../shared/sweep/sweepSpec'
import { UsageError } from './command'

/** `--axis system.seed=41,42,43` → `{ path, values }`; each value is read as JSON when it parses (numbers). */
export function parseAxis(text: string): SweepAxis {
  const eq = text.indexOf('=')
  if (eq <= 0)
    throw new UsageError(
      `--axis "${text}" is not path=v1,v2,…: write e.g. --axis channels.sparsity=0,0.3,0.5`,
    )
  const path = text.slice(0, eq).trim()
  const values = text
    .slice(eq + 1)
    .split(',')
    .map((raw) => raw.trim())
  if (values.some((v) => v === ''))
    throw new UsageError(`--axis ${path} has an empty value: separate values with single commas`)
  return {
    path,
    values: values.map((raw) => {
      try {
        const value: unknown = JSON.parse(raw)
        if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value
      } catch {
        // a plain word (an exploration mode, a duration): kept as text
      }
      return raw
    }),
  }
}

/** A whole number option, or undefined when absent. */
export function intOption(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min)
    throw new UsageError(`--${name} must be a whole number of at least ${min}`)
  return value
}
