import * as tf from '@tensorflow/tfjs-core'
import type { GpuAdapter } from '../../shared/backends/gpuAdapter'
import { describeAdapter } from '../../shared/backends/gpuAdapter'
import {
  adapterRecord,
  listAdapters,
  loadDawn,
  vulkanHint,
  type GpuAdapterHandle,
  type GpuDeviceHandle,
} from './webgpu/dawn'
import { setWebgpuAdapterInUse } from './webgpu/adapterInUse'
import { webgpuRefusedHere } from './webgpu/electronCage'
import { recordGpuFault } from './webgpu/gpuFaults'
import { registerWebgpuTrainingKernels } from './webgpu/registerTrainingKernels'

export interface WebgpuSetup {
  adapter: GpuAdapter
  /** Adapters passed over, and why (a software one when `auto` asked). */
  notes: string[]
}

/** The adapter a run would take, or why none: `auto` takes hardware only; forcing webgpu takes software too. */
export type AdapterChoice =
  | { ok: true; adapter: GpuAdapterHandle; notes: string[] }
  | { ok: false; reason: string; adapters: GpuAdapter[] }

export function chooseAdapter(adapters: readonly GpuAdapterHandle[], allowSoftware: boolean): AdapterChoice {
  const records = adapters.map(adapterRecord)
  const hardware = adapters.findIndex((_, i) => !records[i]!.software)
  if (hardware >= 0) return { ok: true, adapter: adapters[hardware]!, notes: [] }
  if (records.length === 0) {
    const hint = vulkanHint(0)
    return { ok: false, reason: `no WebGPU adapter${hint ? ` (${hint})` : ''}`, adapters: records }
  }
  if (allowSoftware) {
    return {
      ok: true,
      adapter: adapters[0]!,
      notes: [`webgpu: only a software adapter here (${describeAdapter(records[0]!)}): correct, but slow`],
    }
  }
  return {
    ok: false,
    reason:
      `only a software adapter (${describeAdapter(records[0]!)}), which auto never takes: a CPU pretending ` +
      'to be a GPU is slower than wasm; set system.backend=webgpu to use it anyway',
    adapters: records,
  }
}

/** Where the adapters come from: Dawn's, unless a test says there are none (or others). */
export type AdapterSource = () => Promise<GpuAdapterHandle[]>

export const dawnAdapters: AdapterSource = async () => listAdapters(await loadDawn())

let running: { device: GpuDeviceHandle; adapter: GpuAdapter } | null = null

/**
 * Starts tfjs-backend-webgpu on Dawn with our training kernels, on the first hardware adapter (the
 * high-performance one first), or a software one when `allowSoftware`. tfjs' own factory would take
 * whatever `requestAdapter` returns, software included; ours chooses, and records what it took.
 */
export async function startWebgpuBackend(options: {
  allowSoftware: boolean
  adapters?: AdapterSource
}): Promise<WebgpuSetup> {
  const refused = webgpuRefusedHere()
  if (refused) throw new Error(refused)
  if (running !== null && tf.findBackend('webgpu') !== null) {
    if (!running.adapter.software || options.allowSoftware) {
      if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend failed to initialise')
      return { adapter: running.adapter, notes: [] }
    }
  }
  const choice = chooseAdapter(await (options.adapters ?? dawnAdapters)(), options.allowSoftware)
  if (!choice.ok) throw new Error(choice.reason)
  const { adapter } = choice
  const limits = adapter.limits
  // The limits tfjs' factory asks for: the adapter's own, not WebGPU's small defaults.
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      // More inputs per shader (AddN and Concat split by this limit).
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
    },
  })
  // Importing the package registers tfjs' own factory (navigator.gpu exists now); ours replaces it.
  const { WebGPUBackend } = (await import('@tensorflow/tfjs-backend-webgpu')) as unknown as {
    WebGPUBackend: new (device: unknown, adapterInfo: unknown) => tf.KernelBackend
  }
  stopWebgpuBackend()
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu')
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapter.info), 0)
  registerWebgpuTrainingKernels()
  if (!(await tf.setBackend('webgpu'))) {
    device.destroy()
    throw new Error('the webgpu backend failed to initialise')
  }
  device.onuncapturederror = (event) => recordGpuFault(event.error.message)
  running = { device, adapter: adapterRecord(adapter) }
  setWebgpuAdapterInUse(running.adapter)
  return { adapter: running.adapter, notes: choice.notes }
}

/**
 * Releases the GPU: disposes tfjs' webgpu backend (its buffer pools) and destroys the device, so a
 * trainer that ends a run holds no GPU memory. Tensors on webgpu are gone afterwards.
 */
export function stopWebgpuBackend(): void {
  if (running === null) return
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu')
  running.device.destroy()
  running = null
  setWebgpuAdapterInUse(null)
}
