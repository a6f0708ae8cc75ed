import { Sum } from '@tensorflow/tfjs-core'
import { createLeadingReductionConfig } from '../reduceLeadingAxes'
import type { WasmKernel } from '../wasmKernel'

/** Sum over leading axes as block sums (see `reduceLeadingAxes.ts`); other reductions go to tfjs. */
export const kernel: WasmKernel = {
  kernelName: Sum,
  config: (shipped) => createLeadingReductionConfig(shipped(Sum), 'sum'),
}
