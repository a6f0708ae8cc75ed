import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Configuration } from 'electron-builder'
import { installedClosure, trainerPackages } from '../../electron-builder.config'

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

  it('unpacks the trainer bundle and every package it loads, for webgpu trainers on the system Node.js', () => {
    const entry = join(root, 'out/main/trainer.js')
    if (!existsSync(entry)) throw new Error('out/main/trainer.js is missing: run `npm run build` first')
    // The bundle's files (entry and the chunks it imports, statically or not) and the packages they name.
    const files = new Set<string>()
    const packages = new Set<string>()
    const visit = (file: string) => {
      if (files.has(file)) return
      files.add(file)
      // Static imports start a line in the bundle; dynamic ones are `import("…")` calls.
      const imports =
        /^(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"|^import\s*"([^"]+)"|\bimport\("([^"]+)"\)/gm
      for (const match of readFileSync(file, 'utf8').matchAll(imports)) {
        const specifier = match[1] ?? match[2] ?? match[3]
        if (specifier!.startsWith('.')) visit(resolve(dirname(file), specifier!))
        else if (!specifier!.startsWith('node:'))
          packages.add(
            specifier!
              .split('/')
              .slice(0, specifier!.startsWith('@') ? 2 : 1)
              .join('/'),
          )
      }
    }
    visit(entry)
    expect([...packages].filter((name) => !(trainerPackages as readonly string[]).includes(name))).toEqual([])
    expect(packages).toContain('webgpu')

    const patterns = config.asarUnpack as string[]
    const unpacked = (file: string) => patterns.some((pattern) => minimatch(file, pattern, { dot: true }))
    const bundle = [...files].map((file) => relative(root, file).split('\\').join('/'))
    expect(bundle.length).toBeGreaterThan(2)
    expect(bundle.filter((file) => !unpacked(file))).toEqual([])
    // Every installed package of the closure, nested dependencies included, is unpacked whole.
    const closure = installedClosure(trainerPackages, root)
    expect(closure).toEqual(expect.arrayContaining(['@tensorflow/tfjs-backend-webgpu', 'long', 'seedrandom']))
    const notUnpacked = closure
      .flatMap((name) => filesUnder(`node_modules/${name}`))
      .filter((file) => !unpacked(file))
    expect(notUnpacked).toEqual([])
    expect(unpacked('out/main/index.js')).toBe(false)
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
