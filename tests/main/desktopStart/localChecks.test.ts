import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { electronExecutable } from '../../../src/main/desktopStart/electronBinary'
import { sqliteAddonProblem } from '../../../src/main/desktopStart/sqliteAddon'

const root = resolve(import.meta.dirname, '../../..')

describe('the start’s checks of this installation', () => {
  it('finds that the project’s better-sqlite3 loads and opens a database', () => {
    expect(sqliteAddonProblem(root)).toBeNull()
  })

  it('reports a better-sqlite3 that does not load with the real error and the rebuild command', () => {
    const broken = mkdtempSync(join(tmpdir(), 'broken-sqlite-'))
    mkdirSync(join(broken, 'node_modules/better-sqlite3'), { recursive: true })
    writeFileSync(join(broken, 'package.json'), '{}')
    writeFileSync(join(broken, 'node_modules/better-sqlite3/package.json'), '{"main":"index.js"}')
    writeFileSync(
      join(broken, 'node_modules/better-sqlite3/index.js'),
      'throw new Error("invalid ELF header")',
    )
    expect(sqliteAddonProblem(broken)).toMatch(
      /^better-sqlite3 does not load \(invalid ELF header\)\. Run `npm rebuild better-sqlite3`/,
    )
  })

  it('finds Electron’s binary from path.txt without downloading, and null when it is missing', () => {
    const fake = mkdtempSync(join(tmpdir(), 'electron-pkg-'))
    const packageDir = join(fake, 'node_modules/electron')
    expect(electronExecutable(fake, {})).toBeNull()
    mkdirSync(join(packageDir, 'dist'), { recursive: true })
    writeFileSync(join(packageDir, 'path.txt'), 'electron')
    expect(electronExecutable(fake, {})).toBeNull()
    writeFileSync(join(packageDir, 'dist/electron'), '')
    expect(electronExecutable(fake, {})).toBe(join(packageDir, 'dist/electron'))
  })
})
