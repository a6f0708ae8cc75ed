import { readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative, resolve } from 'node:path'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Configuration } from 'electron-builder'

const root = resolve(import.meta.dirname, '../..')
// The glob matcher electron-builder itself applies to asarUnpack.
const require = createRequire(import.meta.url)
const { minimatch } = createRequire(require.resolve('app-builder-lib/package.json'))('minimatch') as {
  minimatch: (path: string, pattern: string, options?: { dot?: boolean }) => boolean
}

/** Every file under a folder, relative to the project root, with forward slashes. */
function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'))
}

describe('the electron-builder configuration', () => {
  let config: Configuration

  beforeAll(async () => {
    // Loaded and validated the way `electron-builder` itself does (its JSON schema included).
    config = await getConfig(root, 'electron-builder.config.ts', null)
    await validateConfiguration(config, { isEnabled: false, add() {} } as never)
  })

  it('sets the Electron fuses a shipped app should have', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  it('unpacks every native addon and wasm file the app loads from its asar', () => {
    const patterns = config.asarUnpack as string[]
    const unpacked = (file: string) => patterns.some((pattern) => minimatch(file, pattern, { dot: true }))
    const needed = [
      ...filesUnder('node_modules/better-sqlite3'),
      ...filesUnder('node_modules/@tensorflow/tfjs-backend-wasm/dist'),
    ].filter((file) => file.endsWith('.node') || file.endsWith('.wasm'))
    expect(needed.filter((f) => f.endsWith('.node')).length).toBeGreaterThan(0)
    expect(needed.filter((f) => f.endsWith('.wasm')).length).toBe(3)
    expect(needed.filter((file) => !unpacked(file))).toEqual([])
    expect(unpacked('node_modules/better-sqlite3/lib/index.js')).toBe(false)
  })

  it('packs the built bundles in an asar and builds installers for all three platforms', () => {
    expect(config.asar).toBe(true)
    const files = (config.files as ({ filter: string[] } | string)[]).flatMap((f) =>
      typeof f === 'string' ? [f] : f.filter,
    )
    expect(files).toContain('out/**')
    expect(config.linux?.target).toEqual(['AppImage', 'deb'])
    expect(config.mac?.target).toEqual(['dmg', 'zip'])
    expect(config.win?.target).toEqual(['nsis'])
  })

  it('is what `npm run dist` uses, after building the bundles', async () => {
    const manifest = (await import('../../package.json')).default as { scripts: Record<string, string> }
    expect(manifest.scripts.dist).toBe(
      'electron-vite build && electron-builder --config electron-builder.config.ts',
    )
  })
})
