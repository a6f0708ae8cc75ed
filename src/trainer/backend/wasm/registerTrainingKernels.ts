import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core'
import { batchNormTrainingOp } from '../../ops/batchNormTraining'
import { sgdUpdateOp } from '../../ops/sgdUpdate'
import { batchNormTrainingAccepts } from './batchNormTraining'
import { wasmKernels } from './kernels'
import { sgdUpdateAccepts } from './kernels/ChaseSgdUpdate'
import { registerReductionGradients } from './reductionGradients'
import { configureSimdKernels } from './simdKernels'
import type { WasmKernelOptions } from './wasmKernel'

export type { WasmKernelOptions } from './wasmKernel'

let registered: { options: Required<WasmKernelOptions>; configs: KernelConfig[] } | null = null
/** The shipped kernels our wrappers hand work to, as found before our first registration. */
const shipped = new Map<string, KernelConfig>()

/**
 * Registers our wasm training kernels (one per file in `kernels/`), and the broadcasting Sum/Mean
 * gradients (`reductionGradients.ts`), which also makes sure tfjs' gradients are registered. A call with
 * the options already registered does nothing; other options register the kernels again (the inference
 * benchmark times tfjs' own convolution with `ownConv2d: false`). Kernels are looked up by (name,
 * backend) at every call, so this works before or after the backend is initialised; a wrapper keeps
 * the shipped kernel's setup function, which tfjs runs when the backend starts.
 */
export function registerWasmTrainingKernels(options: WasmKernelOptions = {}): readonly KernelConfig[] {
  const chosen: Required<WasmKernelOptions> = {
    ownConv2d: options.ownConv2d ?? true,
    simdKernels: options.simdKernels ?? true,
    relaxedSimd: options.relaxedSimd ?? true,
  }
  if (
    registered !== null &&
    (Object.keys(chosen) as (keyof WasmKernelOptions)[]).every((k) => registered!.options[k] === chosen[k])
  )
    return registered.configs
  const original = (name: string): KernelConfig => {
    const config = shipped.get(name) ?? getKernel(name, 'wasm')
    if (config === undefined)
      throw new Error(`@tensorflow/tfjs-backend-wasm registers no "${name}" kernel; is it loaded?`)
    shipped.set(name, config)
    return config
  }
  const configs = wasmKernels.map((kernel) => kernel.config(original, chosen))
  for (const config of configs) {
    if (getKernel(config.kernelName, 'wasm') !== undefined) unregisterKernel(config.kernelName, 'wasm')
    registerKernel(config)
  }
  configureSimdKernels({ enabled: chosen.simdKernels, relaxedSimd: chosen.relaxedSimd })
  batchNormTrainingOp.supportOn('wasm', batchNormTrainingAccepts)
  sgdUpdateOp.supportOn('wasm', sgdUpdateAccepts)
  registerReductionGradients()
  registered = { options: chosen, configs }
  return configs
}
