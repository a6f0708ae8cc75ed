import { createRequire } from 'node:module'
import { join } from 'node:path'

/**
 * Whether better-sqlite3's addon loads and opens a database here; null when it does, else the real
 * error with what to do. better-sqlite3 13 is a Node-API addon: the one prebuilt (or source build) in
 * node_modules loads in Node and in Electron alike, so the desktop needs no build of its own.
 */
export function sqliteAddonProblem(root: string): string | null {
  try {
    const require = createRequire(join(root, 'package.json'))
    const Database = require('better-sqlite3') as new (file: string) => { close(): void }
    new Database(':memory:').close()
    return null
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return (
      `better-sqlite3 does not load (${message.split('\n')[0]!.slice(0, 300)}). ` +
      'Run `npm rebuild better-sqlite3` and read its build error (a C++ toolchain is needed where no prebuilt matches)'
    )
  }
}
