import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { backendNames } from '../../src/shared/backends/backendNames'

const root = resolve(import.meta.dirname, '../..')

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|vue)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
}

/** Module specifiers a file imports (static, dynamic and re-exports). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8')
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!)
}

describe('layering', () => {
  it('keeps backends out of the model, the sparse engine and the training loop', () => {
    const quoted = new RegExp(`['"](${backendNames.join('|')})['"]`)
    const offending = ['src/trainer/model', 'src/trainer/chase', 'src/trainer/training']
      .flatMap(sourceFiles)
      .flatMap((file) => [
        ...importsOf(file)
          .filter((spec) => /backend\/[^/]+\//.test(spec))
          .map((spec) => `${file} imports ${spec}`),
        ...(quoted.test(readFileSync(join(root, file), 'utf8')) ? [`${file} names a backend`] : []),
      ])
    expect(offending).toEqual([])
  })

  it('lets no host file import trainer code (launchers name its entries by URL)', () => {
    // The CLI's `data` command and `train --download` load the dataset manager (Node only, no tfjs)
    // lazily; it is to move to a host-side module. Listed here so that no other import creeps in.
    const knownExceptions = new Set([
      'src/main/headless/ensureDataset.ts imports ../../trainer/data/datasetManager',
      'src/main/headless/commands/data.ts imports ../../../trainer/data/datasetManager',
      'src/main/headless/commands/data.ts imports ../../../trainer/data/progressBar',
    ])
    const offending = sourceFiles('src/main').flatMap((file) =>
      importsOf(file)
        .filter((spec) => /(^|\/)trainer\//.test(spec))
        .map((spec) => `${file} imports ${spec}`)
        .filter((line) => !knownExceptions.has(line)),
    )
    expect(offending).toEqual([])
  })
})
