import { dirname, join, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

/** Typechecks one virtual file placed in `runtimeDir` under that runtime's tsconfig; returns the errors. */
function diagnosticsFor(runtimeDir: string, source: string): string[] {
  const configPath = join(root, runtimeDir, 'tsconfig.json')
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configPath))
  const probe = join(root, runtimeDir, '__boundary_probe__.ts')
  const host = ts.createCompilerHost(parsed.options)
  const readFile = host.readFile.bind(host)
  const getSourceFile = host.getSourceFile.bind(host)
  host.fileExists = (file) => file === probe || ts.sys.fileExists(file)
  host.readFile = (file) => (file === probe ? source : readFile(file))
  host.getSourceFile = (file, language) =>
    file === probe ? ts.createSourceFile(file, source, language) : getSourceFile(file, language)
  const program = ts.createProgram([probe], parsed.options, host)
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(probe))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
}

describe('runtime boundaries', () => {
  it('rejects node:fs in shared code', () => {
    const errors = diagnosticsFor(
      'src/shared',
      "import { readFileSync } from 'node:fs'\nexport const r = readFileSync\n",
    )
    expect(errors.join('\n')).toMatch(/Cannot find (module|name) 'node:fs'/)
  })

  it('rejects electron in shared code', () => {
    const errors = diagnosticsFor('src/shared', "import { app } from 'electron'\nexport const a = app\n")
    expect(errors.join('\n')).toMatch(/electron-is-not-allowed-in-this-runtime.d.ts' is not a module/)
  })

  it('rejects node:fs in the renderer', () => {
    const errors = diagnosticsFor(
      'src/renderer',
      "import { readFileSync } from 'node:fs'\nexport const r = readFileSync\n",
    )
    expect(errors.join('\n')).toMatch(/Cannot find (module|name) 'node:fs'/)
  })

  it('rejects electron in the trainer', () => {
    const errors = diagnosticsFor('src/trainer', "import { app } from 'electron'\nexport const a = app\n")
    expect(errors.join('\n')).toMatch(/electron-is-not-allowed-in-this-runtime.d.ts' is not a module/)
  })

  it('allows node:fs in the trainer and electron in main (the probe itself is sound)', () => {
    expect(
      diagnosticsFor(
        'src/trainer',
        "import { readFileSync } from 'node:fs'\nexport const r = readFileSync\n",
      ),
    ).toEqual([])
    expect(diagnosticsFor('src/main', "import { app } from 'electron'\nexport const a = app\n")).toEqual([])
  })
})
