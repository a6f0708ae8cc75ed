import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { dispose, heapOffset } from './kernelCall'
import type { SimdKernels } from './simdKernels'

/**
 * Runs one of our matrix-product kernels (`convolutionPanels`, `filterGradientPanels`) over its panels,
 * split evenly between our threads. Each share gets (a, b, out, its own scratch, ...shape, from, to);
 * `scratchFloats` sizes a share's scratch from the widest share's panel count.
 */
export function runPanelKernel(
  backend: BackendWasm,
  kernels: SimdKernels,
  call: {
    name: 'convolutionPanels' | 'filterGradientPanels'
    inputs: readonly [TensorInfo, TensorInfo]
    outShape: number[]
    panels: number
    scratchFloats: (widestShare: number) => number
    shape: readonly number[]
  },
): TensorInfo {
  const shares = splitEvenly(call.panels, kernels.threads.count)
  const scratchFloats = call.scratchFloats(Math.max(...shares.map(([from, to]) => to - from)))
  const result = backend.makeOutput(call.outShape, 'float32')
  const scratch = backend.makeOutput([shares.length * scratchFloats], 'float32')
  // Offsets after every allocation: they are stable, unlike views of a heap that may have grown.
  const [a, b] = call.inputs.map((input) => heapOffset(backend, input))
  const out = heapOffset(backend, result)
  const scratchAt = heapOffset(backend, scratch)
  kernels.threads.run(
    call.name,
    shares.map(([from, to], t) => [a!, b!, out, scratchAt + t * scratchFloats * 4, ...call.shape, from, to]),
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
