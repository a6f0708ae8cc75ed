import { Tile, util, type KernelFunc, type TensorInfo, type TileAttrs } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { ownKernel } from '../wasmKernel'

type HeapArray = Float32Array | Int32Array | Uint8Array

/**
 * Tile as block copies on the wasm heap. tfjs-backend-wasm's Tile computes every output index with
 * divisions; the BatchNorm gradient tiles a [1,1,1,C] vector to the full activation shape every step.
 * Here the input is placed once, then each axis (innermost first) is filled by doubling memcpy's
 * (`copyWithin`), so the cost is one write of the output.
 */
export function tileOnHeap(x: TensorInfo, reps: readonly number[], backend: BackendWasm): TensorInfo {
  const rank = x.shape.length
  const outShape = x.shape.map((size, axis) => size * reps[axis]!)
  const out = backend.makeOutput(outShape, x.dtype)
  if (util.sizeFromShape(outShape) === 0) return out
  // Views after the allocation: growing the heap replaces its buffer.
  const source = backend.typedArrayFromHeap(x) as HeapArray
  const target = backend.typedArrayFromHeap(out) as HeapArray
  if (rank === 0) {
    target[0] = source[0]!
    return out
  }
  const outStrides = util.computeStrides(outShape)
  const stride = (axis: number): number => (axis === rank - 1 ? 1 : outStrides[axis]!)
  const inner = x.shape[rank - 1]!

  // 1. Place x at the origin tile: one contiguous row of the last axis at a time.
  const rowCount = util.sizeFromShape(x.shape) / inner
  const index = new Array<number>(rank).fill(0)
  for (let row = 0; row < rowCount; row++) {
    let offset = 0
    for (let axis = 0; axis < rank - 1; axis++) offset += index[axis]! * stride(axis)
    copyBlock(target, source, row * inner, offset, inner)
    for (let axis = rank - 2; axis >= 0; axis--) {
      if (++index[axis]! < x.shape[axis]!) break
      index[axis] = 0
    }
  }
  // 2. Axis by axis from the innermost, repeat the filled block along that axis.
  for (let axis = rank - 1; axis >= 0; axis--) {
    const repeat = reps[axis]!
    if (repeat === 1) continue
    const block = x.shape[axis]! * stride(axis)
    const outerShape = x.shape.slice(0, axis)
    const outerCount = util.sizeFromShape(outerShape)
    const outerIndex = new Array<number>(axis).fill(0)
    for (let outer = 0; outer < outerCount; outer++) {
      let start = 0
      for (let a = 0; a < axis; a++) start += outerIndex[a]! * stride(a)
      repeatBlock(target, start, block, repeat)
      for (let a = axis - 1; a >= 0; a--) {
        if (++outerIndex[a]! < x.shape[a]!) break
        outerIndex[a] = 0
      }
    }
  }
  return out
}

function copyBlock(target: HeapArray, source: HeapArray, from: number, to: number, length: number): void {
  // Per-call overhead of `set` dominates tiny blocks.
  if (length < 16) for (let i = 0; i < length; i++) target[to + i] = source[from + i]!
  else target.set(source.subarray(from, from + length), to)
}

/** target[start + k·block .. ] = target[start .. start + block) for k < repeat, by doubling. */
function repeatBlock(target: HeapArray, start: number, block: number, repeat: number): void {
  const total = block * repeat
  let filled = block
  while (filled < total) {
    const length = Math.min(filled, total - filled)
    if (length < 16) for (let i = 0; i < length; i++) target[start + filled + i] = target[start + i]!
    else target.copyWithin(start + filled, start, start + length)
    filled += length
  }
}

function tile({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const { x } = inputs as { x: TensorInfo }
  const { reps } = attrs as unknown as TileAttrs
  if (x.dtype === 'string') throw new Error('Tile on wasm does not support string tensors')
  return tileOnHeap(x, reps, backend as BackendWasm)
}

export const kernel = ownKernel(Tile, tile)
