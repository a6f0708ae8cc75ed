import { getKernel, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

/**
 * Runs another wasm kernel from inside one of ours on TensorInfos, as tfjs' own composite kernels do:
 * no tensors, no engine bookkeeping, the caller disposes what it no longer needs.
 */
export function callWasmKernel(
  kernelName: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
  backend: BackendWasm,
): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm')
  if (kernel === undefined) throw new Error(`the wasm backend has no "${kernelName}" kernel`)
  const result = kernel.kernelFunc({ inputs, attrs, backend })
  if (Array.isArray(result)) throw new Error(`the wasm "${kernelName}" kernel returned several outputs`)
  return result
}

export function reshapeInfo(x: TensorInfo, shape: number[], backend: BackendWasm): TensorInfo {
  return callWasmKernel('Reshape', { x }, { shape }, backend)
}

export function transposeInfo(x: TensorInfo, perm: number[], backend: BackendWasm): TensorInfo {
  return callWasmKernel('Transpose', { x }, { perm }, backend)
}

export function sliceInfo(x: TensorInfo, begin: number[], size: number[], backend: BackendWasm): TensorInfo {
  return callWasmKernel('Slice', { x }, { begin, size }, backend)
}

/** NHWC Conv2D on the backend's XNNPACK kernel; `pad` is [top, bottom, left, right], all ≥ 0. */
export function conv2dInfo(
  x: TensorInfo,
  filter: TensorInfo,
  options: { strides: [number, number]; dilations: [number, number]; pad: [number, number, number, number] },
  backend: BackendWasm,
): TensorInfo {
  const [top, bottom, left, right] = options.pad
  const pad = [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]
  const attrs = { strides: options.strides, dilations: options.dilations, pad, dataFormat: 'NHWC' }
  return callWasmKernel('Conv2D', { x, filter }, attrs, backend)
}

export function dispose(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId)
}
