import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { webgpuKernels } from '../../../../src/trainer/backend/webgpu/kernels'
import type { WebgpuKernel } from '../../../../src/trainer/backend/webgpu/webgpuKernel'

const folder = resolve(import.meta.dirname, '../../../../src/trainer/backend/webgpu/kernels')
const kernelFiles = readdirSync(folder)
  .filter((name) => name.endsWith('.ts') && name !== 'index.ts')
  .map((name) => name.slice(0, -'.ts'.length))
  .sort()

describe('the webgpu kernels folder', () => {
  it('lists every kernel file in kernels/index.ts, in name order', () => {
    const index = readFileSync(join(folder, 'index.ts'), 'utf8')
    const listed = [...index.matchAll(/import \{ kernel as (\w+) \} from '\.\/(\w+)'/g)].map((m) => {
      expect(m[1]).toBe(m[2])
      return m[2]!
    })
    expect(listed).toEqual(kernelFiles)
    expect(webgpuKernels).toHaveLength(kernelFiles.length)
  })

  it('has each file register the kernel it is named after', async () => {
    for (const name of kernelFiles) {
      const { kernel } = (await import(join(folder, `${name}.ts`))) as { kernel: WebgpuKernel }
      expect(kernel.kernelName, `kernels/${name}.ts`).toBe(name)
    }
  })
})
