/**
 * `--set key=value` overrides, e.g. `sparsity.density=0.05`, `channels.interval="2 epochs"`,
 * `optim.lrMilestones=[0.3,0.6]`. Values are read as JSON when they parse, else as plain strings, so
 * durations can be written naturally (`channels.end=130epochs`).
 */
export interface Override {
  readonly path: readonly string[]
  readonly value: unknown
}

const unsafeKeys: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor'])

export function parseOverride(text: string): Override {
  const eq = text.indexOf('=')
  if (eq <= 0) {
    throw new Error(`--set "${text}" is not key=value: write e.g. --set sparsity.density=0.05`)
  }
  const key = text.slice(0, eq).trim()
  const raw = text.slice(eq + 1).trim()
  const path = key.split('.')
  if (path.some((part) => part.length === 0)) {
    throw new Error(`--set key "${key}" has an empty part: write dotted names like channels.sparsity`)
  }
  // Never a path into the prototype chain: `--set __proto__.x=1` would change every object in the process.
  const forbidden = path.find((part) => unsafeKeys.has(part))
  if (forbidden !== undefined) {
    throw new Error(`--set key "${key}": "${forbidden}" is not a setting name`)
  }
  return { path, value: parseValue(raw) }
}

function parseValue(raw: string): unknown {
  if (raw === '') return undefined
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

type Json = Record<string, unknown>

/** Returns a copy of `config` with every override applied; an `undefined` value removes the key. */
export function applyOverrides(config: Json, overrides: readonly (string | Override)[]): Json {
  // Configs are plain JSON, so a JSON round trip is a faithful deep copy (and needs no DOM or Node global).
  const result = JSON.parse(JSON.stringify(config)) as Json
  for (const item of overrides) {
    const { path, value } = typeof item === 'string' ? parseOverride(item) : item
    if (path.some((part) => unsafeKeys.has(part)))
      throw new Error(`--set ${path.join('.')}: not a setting name`)
    let node: Json = result
    for (const part of path.slice(0, -1)) {
      const child = node[part]
      if (child === undefined) node[part] = {}
      else if (typeof child !== 'object' || child === null || Array.isArray(child)) {
        throw new Error(`--set ${path.join('.')}: "${part}" is a value, not a group of settings`)
      }
      node = node[part] as Json
    }
    const last = path[path.length - 1]!
    if (value === undefined) delete node[last]
    else node[last] = value
  }
  return result
}
