import { existsSync } from 'node:fs'
import { describe } from 'vitest'
import { swiftShaderIcd } from '../../../../src/trainer/backend/webgpu/dawn'

/**
 * The webgpu tests run on SwiftShader, Chromium's Vulkan driver on the CPU (stack-notes.md): correct,
 * never fast. Points the Vulkan loader at it unless VK_ICD_FILENAMES already names a driver. Must run
 * before Dawn loads (the loader reads the variable once). Returns why the tests cannot run, or null.
 */
export function useSwiftShader(): string | null {
  if (process.env.VK_ICD_FILENAMES === undefined && existsSync(swiftShaderIcd))
    process.env.VK_ICD_FILENAMES = swiftShaderIcd
  if (process.env.VK_ICD_FILENAMES === undefined)
    return `no Vulkan driver for the tests: install chromium (it ships SwiftShader at ${swiftShaderIcd})`
  const loader = [
    '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
    '/usr/lib64/libvulkan.so.1',
    '/usr/lib/libvulkan.so.1',
  ]
  if (process.platform === 'linux' && !loader.some((path) => existsSync(path)))
    return 'no Vulkan loader (libvulkan.so.1): apt-get install libvulkan1'
  return null
}

const missing = useSwiftShader()

/**
 * `describe` for suites that need a WebGPU adapter: skipped with the reason where SwiftShader is missing
 * on a developer's machine, failing in CI (CI=true), which installs it.
 */
export const describeWebgpu: typeof describe =
  missing === null || process.env.CI === 'true'
    ? describe
    : (Object.assign(
        (name: string, ...rest: unknown[]) =>
          (describe.skip as (...args: unknown[]) => void)(`${name} (skipped: ${missing})`, ...rest),
        describe,
      ) as typeof describe)
