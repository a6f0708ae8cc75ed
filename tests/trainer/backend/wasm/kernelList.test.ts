import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src/trainer/backend/pickBackend'
import { wasmKernels } from '../../../../src/trainer/backend/wasm/kernels'
import { registerWasmTrainingKernels } from '../../../../src/trainer/backend/wasm/registerTrainingKernels'
import type { WasmKernel } from '../../../../src/trainer/backend/wasm/wasmKernel'

const folder = resolve(import.meta.dirname, '../../../../src/trainer/backend/wasm/kernels')
const kernelFiles = readdirSync(folder)
  .filter((name) => name.endsWith('.ts') && name !== 'index.ts')
  .map((name) => name.slice(0, -'.ts'.length))
  .sort()

describe('the wasm kernels folder', () => {
  it('lists every kernel file in kernels/index.ts, in name order', () => {
    const index = readFileSync(join(folder, 'index.ts'), 'utf8')
    const listed = [...index.matchAll(/import \{ kernel as (\w+) \} from '\.\/(\w+)'/g)].map((m) => {
      expect(m[1]).toBe(m[2])
      return m[2]!
    })
    expect(listed).toEqual(kernelFiles)
    expect(wasmKernels).toHaveLength(kernelFiles.length)
  })

  it('has each file register the kernel it is named after', async () => {
    for (const name of kernelFiles) {
      const { kernel } = (await import(join(folder, `${name}.ts`))) as { kernel: WasmKernel }
      expect(kernel.kernelName, `kernels/${name}.ts`).toBe(name)
    }
  })

  it('registers exactly the kernels of the folder on wasm', async () => {
    await initBackend('wasm', { threads: 1 })
    const registered = registerWasmTrainingKernels().map((config) => config.kernelName)
    expect([...registered].sort()).toEqual(kernelFiles)
    expect(registerWasmTrainingKernels().every((config) => config.backendName === 'wasm')).toBe(true)
  })
})
