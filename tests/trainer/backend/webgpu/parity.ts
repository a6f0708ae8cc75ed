import * as tf from '@tensorflow/tfjs-core'
import { pickBackend } from '../../../../src/trainer/backend/pickBackend'
import { relativeError, valuesOn } from '../wasm/parity'

export { parityTolerance, randomValues, runKernel } from '../wasm/parity'

/** The software adapter (SwiftShader; see softwareGpu.ts), forced as a user would with system.backend. */
export async function startSoftwareWebgpu(): Promise<void> {
  const report = await pickBackend('webgpu')
  if (report.adapter?.software !== true)
    throw new Error(`these tests expect a software adapter, got ${report.adapter?.description}`)
}

/** `compute` on cpu and on webgpu (read asynchronously: Node's WebGPU has no synchronous read). */
export async function webgpuParity(compute: () => tf.Tensor): Promise<number> {
  const expected = await valuesOn('cpu', compute)
  await tf.setBackend('webgpu')
  const out = tf.tidy(compute)
  const actual = (await out.data()) as Float32Array
  out.dispose()
  return relativeError(actual, expected)
}

/** Whether the running webgpu backend has compiled a program whose shader key starts with `prefix`. */
export function compiledProgram(prefix: string): boolean {
  const backend = tf.findBackend('webgpu') as unknown as { pipelineCache: Record<string, unknown> }
  return Object.keys(backend.pipelineCache).some((key) => key.startsWith(prefix))
}
