import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { RunningAverage, type RunningAverageAttrs } from '../../../ops/runningAverage'
import { ownKernel } from '../wasmKernel'

/**
 * A BN running statistic's update as one kernel: ChaseRunningAverage(running, batch) →
 *   running·(1 − m) + (batch·scale)·m
 * (scale = n/(n − 1) for the variance, 1 for the mean). tfjs' composite takes three or four kernels
 * per statistic, two statistics per norm, each a fixed cost on vectors of a few hundred floats. Each
 * operation is rounded to float32 as the composite's kernels round it, so the values are the same.
 */

function runningAverage({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const wasm = backend as BackendWasm
  const { running, batch } = inputs as Record<'running' | 'batch', TensorInfo>
  const { momentum, scale } = attrs as unknown as RunningAverageAttrs
  const out = wasm.makeOutput(running.shape, 'float32')
  // Views after the allocation: growing the heap replaces its buffer.
  const [previous, current] = [running, batch].map((t) => wasm.typedArrayFromHeap(t) as Float32Array)
  const next = wasm.typedArrayFromHeap(out) as Float32Array
  const f = Math.fround
  const [keep, take, factor] = [f(1 - momentum), f(momentum), f(scale)]
  for (let i = 0; i < next.length; i++) {
    const value = scale === 1 ? current![i]! : f(current![i]! * factor)
    next[i] = f(f(previous![i]! * keep) + f(value * take))
  }
  return out
}

export const kernel = ownKernel(RunningAverage, runningAverage)
