import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { dispose } from './kernelCall'
import { heapOffset } from './wasmInternals'
import type { KernelArguments, SimdKernels } from './simdKernels'

type PanelKernel = 'convolutionPanels' | 'filterGradientPanels'
/** The arguments `runPanelKernel` supplies itself. */
type PerShare = 'out' | 'scratch' | 'panelFrom' | 'panelTo'

/**
 * Runs one of our matrix-product kernels (`convolutionPanels`, `filterGradientPanels`) over its panels,
 * split evenly between our threads. Each share gets the inputs' and output's offsets, its own scratch,
 * the shape and its [panelFrom, panelTo); `scratchFloats` sizes a share's scratch from the widest
 * share's panel count.
 */
export function runPanelKernel<K extends PanelKernel, Input extends keyof KernelArguments<K> & string>(
  backend: BackendWasm,
  kernels: SimdKernels,
  call: {
    name: K
    inputs: Record<Input, TensorInfo>
    outShape: number[]
    panels: number
    scratchFloats: (widestShare: number) => number
    shape: Omit<KernelArguments<K>, PerShare | Input>
  },
): TensorInfo {
  const shares = splitEvenly(call.panels, kernels.threads.count)
  const scratchFloats = call.scratchFloats(Math.max(...shares.map(([from, to]) => to - from)))
  const result = backend.makeOutput(call.outShape, 'float32')
  const scratch = backend.makeOutput([shares.length * scratchFloats], 'float32')
  // Offsets after every allocation: they are stable, unlike views of a heap that may have grown.
  const inputs = Object.fromEntries(
    Object.entries<TensorInfo>(call.inputs).map(([name, input]) => [name, heapOffset(backend, input)]),
  )
  const out = heapOffset(backend, result)
  const scratchAt = heapOffset(backend, scratch)
  kernels.callShares(
    call.name,
    shares.map(
      ([panelFrom, panelTo], t) =>
        ({
          ...inputs,
          ...call.shape,
          out,
          scratch: scratchAt + t * scratchFloats * 4,
          panelFrom,
          panelTo,
        }) as unknown as KernelArguments<K>,
    ),
  )
  dispose(backend, scratch)
  return result
}

/** [from, to) ranges of 0..count in `parts` near-equal non-empty pieces (fewer when count is smaller). */
function splitEvenly(count: number, parts: number): [number, number][] {
  const pieces = Math.max(1, Math.min(parts, count))
  return Array.from({ length: pieces }, (_, p) => [
    Math.floor((p * count) / pieces),
    Math.floor(((p + 1) * count) / pieces),
  ])
}
