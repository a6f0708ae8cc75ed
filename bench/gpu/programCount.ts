import * as tf from '@tensorflow/tfjs-core'

interface ProgramRunner {
  runWebGPUProgram(...args: unknown[]): unknown
}

/**
 * How many GPU programs `work` dispatches on the webgpu backend (each `runWebGPUProgram`, ours and
 * tfjs'). Every dispatch has a fixed cost on the CPU and the GPU, so fewer is faster on any adapter;
 * unlike a time, the count is the same on SwiftShader as on a real GPU.
 */
export async function countPrograms(work: () => Promise<unknown>): Promise<number> {
  const backend = tf.backend() as unknown as ProgramRunner
  if (typeof backend.runWebGPUProgram !== 'function')
    throw new Error('countPrograms needs the webgpu backend')
  const original = backend.runWebGPUProgram
  let count = 0
  backend.runWebGPUProgram = function (this: ProgramRunner, ...args: unknown[]) {
    count++
    return original.apply(this, args)
  }
  try {
    await work()
  } finally {
    backend.runWebGPUProgram = original
  }
  return count
}
