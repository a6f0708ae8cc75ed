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
    const offending = sourceFiles('src/main').flatMap((file) =>
      importsOf(file)
        .filter((spec) => /(^|\/)trainer\//.test(spec))
        .map((spec) => `${file} imports ${spec}`),
    )
    expect(offending).toEqual([])
  })

  it('keeps the trainer out of the host, and src/node out of both', () => {
    const offending = [
      ...sourceFiles('src/trainer').flatMap((file) =>
        importsOf(file)
          .filter((spec) => /(^|\/)main\//.test(spec))
          .map((spec) => `${file} imports ${spec}`),
      ),
      ...sourceFiles('src/node').flatMap((file) =>
        importsOf(file)
          .filter((spec) => /(^|\/)(main|trainer)\//.test(spec))
          .map((spec) => `${file} imports ${spec}`),
      ),
    ]
    expect(offending).toEqual([])
  })
})
