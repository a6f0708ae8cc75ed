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
function wrappers(original: (name: string) => KernelConfig): KernelConfig[] {
  return [
    createIdentityConfig(original(Identity)),
    createCastConfig(original(Cast)),
    createBatchMatMulConfig(original(BatchMatMul)),
    createConv2dConfig(original(Conv2D)),
    ...leadingReductionKernels.map(({ kernelName, kind }) =>
      createLeadingReductionConfig(original(kernelName), kind),
    ),
  ]
}

let registered: KernelConfig[] | null = null

/**
 * Registers our wasm training kernels once per process (later calls do nothing), and the broadcasting
 * Sum/Mean gradients (`reductionGradients.ts`), which also makes sure tfjs' gradients are registered. Kernels are looked
 * up by (name, backend) at every call, so this works before or after the backend is initialised; a
 * wrapper keeps the shipped kernel's setup function, which tfjs runs when the backend starts.
 */
export function registerWasmTrainingKernels(): readonly KernelConfig[] {
  if (registered !== null) return registered
  const original = (name: string): KernelConfig => {
    const config = getKernel(name, 'wasm')
    if (config === undefined)
      throw new Error(`@tensorflow/tfjs-backend-wasm registers no "${name}" kernel; is it loaded?`)
    return config
  }
  const configs = [...standalone, ...wrappers(original)]
  for (const config of configs) {
    if (getKernel(config.kernelName, 'wasm') !== undefined) unregisterKernel(config.kernelName, 'wasm')
    registerKernel(config)
  }
  batchNormTrainingOp.supportOn('wasm', batchNormTrainingAccepts)
  sgdUpdateOp.supportOn('wasm', sgdUpdateAccepts)
  registerReductionGradients()
  registered = configs
  return configs
}

/** The kernel names we provide on wasm, for reports and tests. */
export function wasmTrainingKernelNames(): string[] {
  return [
    ...standalone.map((k) => k.kernelName),
    Identity,
    Cast,
    BatchMatMul,
    Conv2D,
    ...leadingReductionKernels.map((k) => k.kernelName),
  ]
}
