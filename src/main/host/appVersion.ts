import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The workbench's version, from its package.json: the nearest one above this module named
 * `chase-workbench` (src/main/host from source, out/main in a build, inside the asar when packaged).
 */
export const appVersion: string = findVersion(dirname(fileURLToPath(import.meta.url)))

function findVersion(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const path = join(dir, 'package.json')
    if (existsSync(path)) {
      const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'chase-workbench' && pkg.version) return pkg.version
    }
    if (dirname(dir) === dir) throw new Error(`no chase-workbench package.json above ${from}`)
  }
}
