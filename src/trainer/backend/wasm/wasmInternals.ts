import { getThreadsCount, type BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import type { TensorInfo } from '@tensorflow/tfjs-core'

/**
 * The one place our kernels reach past tfjs-backend-wasm's public surface (4.22): its `dataIdMap`
 * (where a tensor's bytes sit on the heap), Emscripten's memory object, the C-side disposal of a view,
 * and the pthread pool's size. A tfjs upgrade that moves any of these breaks here, and only here.
 */

/** Byte offset of a tensor's data on the wasm heap. */
export function heapOffset(backend: BackendWasm, info: TensorInfo): number {
  return backend.dataIdMap.get(info.dataId)!.memoryOffset
}

/**
 * A float32 TensorInfo over memory another tensor owns (`makeOutput` with an offset records memory
 * allocated elsewhere): lets a kernel hand XNNPACK a window of a buffer without copying it. Release
 * it with `releaseView`, never `dispose`, which would free the owner's memory.
 */
export function viewInfo(backend: BackendWasm, byteOffset: number, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32', byteOffset)
}

export function releaseView(backend: BackendWasm, view: TensorInfo): void {
  const data = backend.dataIdMap.get(view.dataId)!
  ;(backend.wasm as unknown as { tfjs: { disposeData(id: number): void } }).tfjs.disposeData(data.id)
  backend.dataIdMap.delete(view.dataId)
}

export interface WasmMemoryLike {
  buffer: ArrayBufferLike
}

/**
 * The backend's memory object, for instantiating our module on it; null when it cannot be reached
 * (an Emscripten build that neither keeps nor exports it). The threaded build keeps its shared memory in
 * `wasmMemory`; the single-threaded one exports it.
 */
export function wasmMemoryOf(backend: BackendWasm): WasmMemoryLike | null {
  const emscripten = backend.wasm as unknown as {
    wasmMemory?: WasmMemoryLike
    asm?: { memory?: WasmMemoryLike }
    HEAPU8: Uint8Array
  }
  const memory = emscripten.wasmMemory ?? emscripten.asm?.memory
  return memory !== undefined && memory.buffer === emscripten.HEAPU8.buffer ? memory : null
}

/** Threads in the backend's pthread pool (1 for the single-threaded build). */
export function poolThreads(): number {
  return getThreadsCount()
}
