import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './command'

type Options = NonNullable<ParseArgsConfig['options']>

/** node:util parseArgs with our error style: an unknown flag is a UsageError naming the flag. */
export function parseCommandArgs<O extends Options>(
  args: readonly string[],
  options: O,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^Unknown option/, 'unknown option'))
  }
}

/** The options every config-taking command shares: --preset, --config, --set (repeatable). */
export const configOptions = {
  preset: { type: 'string' },
  config: { type: 'string' },
  set: { type: 'string', multiple: true },
} as const satisfies Options

/** Options every command accepts: the run store and machine-readable output. */
export const storeOptions = {
  db: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies Options

/**
 * Takes `--db <file>`, `--db=<file>` and `--json` out of the arguments wherever they stand, so commands
 * with subcommands can parse the rest strictly.
 */
export function takeStoreOptions(args: readonly string[]): { db?: string; json: boolean; rest: string[] } {
  const rest: string[] = []
  let db: string | undefined
  let json = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--json') json = true
    else if (arg.startsWith('--db=')) db = arg.slice('--db='.length)
    else if (arg === '--db') {
      db = args[++i]
      if (db === undefined) throw new UsageError('--db needs a file: --db runs.db')
    } else rest.push(arg)
  }
  return { ...(db !== undefined ? { db } : {}), json, rest }
}
