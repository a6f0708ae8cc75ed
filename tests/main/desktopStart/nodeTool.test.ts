import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nodeToolCommand } from '../../../src/main/desktopStart/nodeTool'

const root = resolve(import.meta.dirname, '../../..')

describe('running a package’s tool', () => {
  it('runs the tool’s JS file with the given Node, as Windows needs (npx is a .cmd there)', () => {
    const command = nodeToolCommand(root, 'electron-vite', ['build'], 'C:\\Program Files\\nodejs\\node.exe')
    expect(command).toEqual({
      command: 'C:\\Program Files\\nodejs\\node.exe',
      args: [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    })
  })

  it('says to run npm install when the package is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-modules-'))
    expect(() => nodeToolCommand(empty, 'electron-vite', [])).toThrow(
      /electron-vite is not installed .*run npm install/,
    )
  })
})
