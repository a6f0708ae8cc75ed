import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './command'

type Options = NonNullable<ParseArgsConfig['options']>

/** node:util parseArgs with our error style: an unknown flag is a UsageError naming the flag. */
export function parseCommandArgs<O extends Options>(args: readonly string[], options: O, allowPositionals = true) {
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
