import { existsSync } from 'node:fs'
import type { GpuAdapter } from '../../../shared/backends/gpuAdapter'

/**
 * Dawn's Node bindings (npm `webgpu`): WebGPU for a Node trainer, its native binaries shipped inside the
 * package for Linux, Windows and macOS. Loaded on first use only, so a trainer on another backend never
 * maps Dawn, and a binary that cannot load is a reason in the report, not a crash.
 */

/** The WebGPU objects we use; the trainer's lib has no DOM types. */
export interface Gpu {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power'
    forceFallbackAdapter?: boolean
  }): Promise<GpuAdapterHandle | null>
}
export interface GpuAdapterHandle {
  readonly info: {
    vendor: string
    architecture: string
    device: string
    description: string
    isFallbackAdapter?: boolean
  }
  readonly features: { has(name: string): boolean }
  readonly limits: Record<string, number>
  requestDevice(descriptor?: object): Promise<GpuDeviceHandle>
}
export interface GpuDeviceHandle {
  destroy(): void
  readonly lost: Promise<{ reason: string; message: string }>
  onuncapturederror: ((event: { error: { message: string } }) => void) | null
}

let dawn: Promise<Gpu> | null = null

/**
 * Loads Dawn, installs its WebGPU globals (GPUBufferUsage and the rest, which tfjs-backend-webgpu reads)
 * and `navigator.gpu`, and returns the GPU object. Node 22+ has a read-only `navigator`: `gpu` is defined
 * on it rather than replacing it.
 */
export function loadDawn(): Promise<Gpu> {
  dawn ??= (async () => {
    const { create, globals } = (await import('webgpu')) as unknown as {
      create(options: string[]): Gpu
      globals: Record<string, unknown>
    }
    Object.assign(globalThis, globals)
    const gpu = create([])
    const holder = globalThis as unknown as { navigator?: object }
    if (holder.navigator === undefined) holder.navigator = {}
    Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true })
    return gpu
  })()
  return dawn
}

/** Software renderers: correct, but a CPU pretending to be a GPU. */
const softwareNames = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|warp/i

export function isSoftwareAdapter(info: GpuAdapterHandle['info']): boolean {
  if (info.isFallbackAdapter === true) return true
  return [info.vendor, info.architecture, info.device, info.description].some((text) =>
    softwareNames.test(text ?? ''),
  )
}

export function adapterRecord(adapter: GpuAdapterHandle): GpuAdapter {
  const { vendor, architecture, device, description } = adapter.info
  const limit = (name: string) => Number(adapter.limits[name] ?? 0)
  return {
    vendor: vendor ?? '',
    architecture: architecture ?? '',
    device: device ?? '',
    description: description ?? '',
    software: isSoftwareAdapter(adapter.info),
    limits: {
      maxStorageBufferBindingSize: limit('maxStorageBufferBindingSize'),
      maxBufferSize: limit('maxBufferSize'),
      maxComputeWorkgroupStorageSize: limit('maxComputeWorkgroupStorageSize'),
      maxComputeInvocationsPerWorkgroup: limit('maxComputeInvocationsPerWorkgroup'),
    },
  }
}

/**
 * Every adapter Dawn offers, each once: the high-performance and low-power ones (a laptop's discrete and
 * integrated GPUs) and the fallback (software) one.
 */
export async function listAdapters(gpu: Gpu): Promise<GpuAdapterHandle[]> {
  const found: GpuAdapterHandle[] = []
  const seen = new Set<string>()
  for (const options of [
    { powerPreference: 'high-performance' as const },
    { powerPreference: 'low-power' as const },
    { forceFallbackAdapter: true },
  ]) {
    const adapter = await gpu.requestAdapter(options).catch(() => null)
    if (adapter === null) continue
    const { vendor, architecture, device, description } = adapter.info
    const key = [vendor, architecture, device, description].join('|')
    if (seen.has(key)) continue
    seen.add(key)
    found.push(adapter)
  }
  return found
}

/** Chromium's SwiftShader Vulkan driver, where Debian's (and most distributions') chromium puts it. */
export const swiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json'

/**
 * What a Linux user without a usable adapter should install: the Vulkan loader, and a driver for the GPU
 * (or SwiftShader, to test on the CPU). Empty elsewhere and where an adapter was found.
 */
export function vulkanHint(adaptersFound: number): string | null {
  if (process.platform !== 'linux' || adaptersFound > 0) return null
  const loader = [
    '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
    '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
    '/usr/lib64/libvulkan.so.1',
    '/usr/lib/libvulkan.so.1',
  ].some((path) => existsSync(path))
  const driver =
    "install the GPU's Vulkan driver (NVIDIA's proprietary driver includes one; AMD and Intel GPUs use Mesa's, `apt install mesa-vulkan-drivers`)"
  const parts = loader
    ? [`no Vulkan driver offered a GPU: ${driver}`]
    : [
        'the Vulkan loader (libvulkan.so.1) is missing: install it (Debian/Ubuntu `apt install libvulkan1`, Fedora `dnf install vulkan-loader`)',
        `then ${driver}`,
      ]
  if (existsSync(swiftShaderIcd))
    parts.push(`to test on the CPU, SwiftShader is here: VK_ICD_FILENAMES=${swiftShaderIcd} (slow; software)`)
  return parts.join('; ')
}
