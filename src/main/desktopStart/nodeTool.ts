import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

export interface ToolCommand {
  readonly command: string
  readonly args: string[]
}

/**
 * A package's command-line tool run by this Node (`process.execPath <the tool's JS file>`), never through
 * `npx` or a shell: on Windows `npx` is a `.cmd` that `spawn` cannot start without a shell, and a shell
 * would reparse the arguments.
 */
export function nodeToolCommand(
  root: string,
  packageName: string,
  args: readonly string[],
  execPath = process.execPath,
): ToolCommand {
  const manifestPath = join(root, 'node_modules', packageName, 'package.json')
  let manifest: { bin?: string | Record<string, string> }
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest
  } catch {
    throw new Error(`${packageName} is not installed (no ${manifestPath}): run npm install first`)
  }
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[packageName.split('/').pop()!]
  if (!bin) throw new Error(`${packageName} declares no command-line tool named after itself`)
  return { command: execPath, args: [join(dirname(manifestPath), bin), ...args] }
}
