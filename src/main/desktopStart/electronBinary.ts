import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The Electron executable, found the way `require('electron')` finds it but without its side effect
 * (Electron 45's `index.js` downloads a missing binary, with inherited output and no timeout).
 */
export function electronExecutable(root: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const packageDir = join(root, 'node_modules', 'electron')
  const pathFile = join(packageDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const relative = readFileSync(pathFile, 'utf8').trim()
  const executable = env.ELECTRON_OVERRIDE_DIST_PATH
    ? join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron')
    : join(packageDir, 'dist', relative)
  return existsSync(executable) ? executable : null
}

/** Fetches Electron's binary once (its own install script); returns null or why it failed. */
export function fetchElectron(root: string, timeoutMs = 300_000): string | null {
  const env = { ...process.env }
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD // the user asked to start Electron: fetching it is the point
  const result = spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: timeoutMs,
  })
  if (result.status === 0 && electronExecutable(root)) return null
  const detail =
    (result.stderr || '')
      .split('\n')
      .find((line) => /error|ENOTFOUND|EAI_AGAIN|ECONN|ETIMEDOUT|403|404/i.test(line))
      ?.trim() ?? (result.error ? result.error.message : 'download failed')
  return `Electron’s binary could not be downloaded (${detail.slice(0, 160)})`
}
