import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, expect, it } from 'vitest'
import { Rng } from '../../../../../src/shared/rng'
import { runningAverage, runningAverageRuns } from '../../../../../src/trainer/ops/runningAverage'
import { describeWebgpu } from '../softwareGpu'
import { compiledProgram, randomValues, startSoftwareWebgpu } from '../parity'

describeWebgpu('the fused BN running-average update on webgpu', () => {
  beforeAll(startSoftwareWebgpu)
  const rng = Rng.fromSeed(31)
  const running = randomValues(rng, 37).map(Math.abs)
  const batch = randomValues(rng, 37).map(Math.abs)

  async function on(backend: 'cpu' | 'webgpu', momentum: number, scale: number): Promise<Float32Array> {
    await tf.setBackend(backend)
    const out = tf.tidy(() => runningAverage(tf.tensor1d(running), tf.tensor1d(batch), { momentum, scale }))
    const values = (await out.data()) as Float32Array
    out.dispose()
    return values
  }

  it.each([
    [0.1, 1],
    [0.1, 400 / 399],
    [0.01, 6 / 5],
  ])('matches the cpu composite (momentum %d, scale %d)', async (momentum, scale) => {
    const expected = await on('cpu', momentum, scale)
    const actual = await on('webgpu', momentum, scale)
    expect(runningAverageRuns()).toBe(true)
    expect(compiledProgram('chaseRunningAverage')).toBe(true)
    actual.forEach((v, i) =>
      expect(Math.abs(v - expected[i]!), `element ${i}`).toBeLessThanOrEqual(
        4 * Math.abs(expected[i]!) * 2 ** -23,
      ),
    )
  })
})
