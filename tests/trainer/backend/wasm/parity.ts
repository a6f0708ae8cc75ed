import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../../../src/shared/rng'

/** The bound every wasm kernel must meet against `cpu`: max |wasm − cpu| / max |cpu|. */
export const parityTolerance = 1e-5

export function randomValues(
  rng: Rng,
  size: number,
  options: { quantize?: number; relu?: boolean } = {},
): Float32Array {
  const values = new Float32Array(size)
  for (let i = 0; i < size; i++) {
    let v = rng.normal()
    // Coarse values make ties (equal maxima) common, which is where pooling gradients can disagree.
    if (options.quantize !== undefined) v = Math.round(v * options.quantize) / options.quantize
    if (options.relu) v = Math.max(0, v)
    values[i] = v
  }
  return values
}

/** Runs `compute` on one backend and returns its values; nothing stays allocated. */
export async function valuesOn(backend: 'cpu' | 'wasm', compute: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend)
  const out = tf.tidy(compute)
  const values = Float32Array.from(out.dataSync() as ArrayLike<number>)
  out.dispose()
  return values
}

export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY
  let worst = 0
  let scale = 0
  for (let i = 0; i < expected.length; i++) {
    const difference = Math.abs(actual[i]! - expected[i]!)
    if (Number.isNaN(difference)) return Number.POSITIVE_INFINITY
    worst = Math.max(worst, difference)
    scale = Math.max(scale, Math.abs(expected[i]!))
  }
  return worst / Math.max(scale, Number.MIN_VALUE)
}

/** Both backends on the same inputs; returns the relative error of wasm against cpu. */
export async function parity(compute: () => tf.Tensor): Promise<number> {
  const expected = await valuesOn('cpu', compute)
  const actual = await valuesOn('wasm', compute)
  await tf.setBackend('wasm')
  return relativeError(actual, expected)
}

export function runKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: object): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor
}
