import {
  BatchMatMul,
  Cast,
  Conv2D,
  getKernel,
  Identity,
  registerKernel,
  unregisterKernel,
  type KernelConfig,
} from '@tensorflow/tfjs-core'
import { createBatchMatMulConfig } from './batchMatMul'
import { batchNormTrainingOp } from '../../ops/batchNormTraining'
import { sgdUpdateOp } from '../../ops/sgdUpdate'
import {
  batchNormTrainingAccepts,
  batchNormTrainingConfig,
  batchNormTrainingGradConfig,
} from './batchNormTraining'
import { createConv2dConfig } from './conv2d'
import { conv2dBackpropFilterConfig } from './conv2dBackpropFilter'
import { conv2dBackpropInputConfig } from './conv2dBackpropInput'
import { createCastConfig, createIdentityConfig } from './identity'
import { avgPoolGradConfig, maxPoolGradConfig } from './poolGrad'
import { createLeadingReductionConfig, leadingReductionKernels } from './reduceLeadingAxes'
import { registerReductionGradients } from './reductionGradients'
import { runningAverageConfig } from './runningAverage'
import { sgdUpdateAccepts, sgdUpdateConfig } from './sgdUpdate'
import { configureSimdKernels } from './simdKernels'
import { tileConfig } from './tile'

/** Kernels that replace or supply the backend's own outright. */
const standalone: readonly KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  maxPoolGradConfig,
  avgPoolGradConfig,
  tileConfig,
  batchNormTrainingConfig,
  batchNormTrainingGradConfig,
  sgdUpdateConfig,
  runningAverageConfig,
]

/** Kernels that take a fast path where they can and hand the rest to the shipped kernel. */
function wrappers(
  original: (name: string) => KernelConfig,
  options: Required<WasmKernelOptions>,
): KernelConfig[] {
  return [
    createIdentityConfig(original(Identity)),
    createCastConfig(original(Cast)),
    createBatchMatMulConfig(original(BatchMatMul)),
    createConv2dConfig(original(Conv2D), options),
    ...leadingReductionKernels.map(({ kernelName, kind }) =>
      createLeadingReductionConfig(original(kernelName), kind),
    ),
  ]
}

/** How our kernels run; every option defaults to on, what training uses. */
export interface WasmKernelOptions {
  /** Conv2D on our matrix product where the channels fit; false sends every Conv2D to XNNPACK. */
  readonly ownConv2d?: boolean
  /** Our SIMD kernels; false sends every caller to its JavaScript fallback (tests check those paths). */
  readonly simdKernels?: boolean
  /** Fused multiply-add where the engine validates relaxed SIMD; false builds them with mul + add. */
  readonly relaxedSimd?: boolean
}

let registered: { options: Required<WasmKernelOptions>; configs: KernelConfig[] } | null = null
/** The shipped kernels our wrappers hand work to, as found before our first registration. */
const shipped = new Map<string, KernelConfig>()

/**
 * Registers our wasm training kernels, and the broadcasting Sum/Mean gradients
 * (`reductionGradients.ts`), which also makes sure tfjs' gradients are registered. A call with the
 * options already registered does nothing; other options register the kernels again (the inference
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
  const configs = [...standalone, ...wrappers(original, chosen)]
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
