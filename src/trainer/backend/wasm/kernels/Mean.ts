import { Mean } from '@tensorflow/tfjs-core'
import { createLeadingReductionConfig } from '../reduceLeadingAxes'
import type { WasmKernel } from '../wasmKernel'

/** Mean over leading axes as block sums (see `reduceLeadingAxes.ts`); other reductions go to tfjs. */
export const kernel: WasmKernel = {
  kernelName: Mean,
  config: (shipped) => createLeadingReductionConfig(shipped(Mean), 'mean'),
}
