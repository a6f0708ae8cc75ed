import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../../src/shared/rng'
import { Sgd, type SgdOptions } from '../../../src/trainer/chase/sgd'
import { randomValues } from '../backend/wasm/parity'

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1)

/**
 * Three seeded steps of our optimizer on the current backend, one parameter per shape: the weights and
 * momentum buffers after them, in that order per parameter (read asynchronously, as webgpu needs).
 */
export async function threeSgdSteps(shapes: number[][], options: SgdOptions): Promise<Float32Array[]> {
  const rng = Rng.fromSeed(12)
  const params = new Map(
    shapes.map((shape, i) => [`p${i}`, tf.variable(tf.tensor(randomValues(rng, size(shape)), shape))]),
  )
  const sgd = new Sgd(params, options)
  for (let step = 0; step < 3; step++) {
    const grads = new Map(
      [...params].map(([name, v]) => [name, tf.tensor(randomValues(rng, v.size), v.shape)]),
    )
    sgd.step(grads)
    tf.dispose([...grads.values()])
  }
  const out: Float32Array[] = []
  for (const [name, v] of params)
    out.push((await v.data()) as Float32Array, (await sgd.buffer(name)!.data()) as Float32Array)
  sgd.dispose()
  tf.dispose([...params.values()])
  return out
}

/** The tensors and bytes left after `step` runs three more times (0 and 0 when it frees everything). */
export async function leftBehind(
  step: () => void | Promise<void>,
): Promise<{ tensors: number; bytes: number }> {
  await step()
  const before = tf.memory()
  for (let i = 0; i < 3; i++) await step()
  const after = tf.memory()
  return { tensors: after.numTensors - before.numTensors, bytes: after.numBytes - before.numBytes }
}

/** What one more optimizer step leaves allocated on the current backend. */
export async function sgdStepLeftBehind(): Promise<{ tensors: number; bytes: number }> {
  const w = tf.variable(tf.ones([10]))
  const sgd = new Sgd(new Map([['w', w]]), { learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4 })
  const g = tf.ones([10])
  const left = await leftBehind(() => sgd.step(new Map([['w', g]])))
  sgd.dispose()
  tf.dispose([w, g])
  return left
}
