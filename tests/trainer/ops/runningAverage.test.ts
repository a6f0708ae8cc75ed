import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/shared/rng'
import { initBackend } from '../../../src/trainer/backend/pickBackend'
import { RunningAverage, runningAverageRuns } from '../../../src/trainer/ops/runningAverage'
import { randomValues } from '../backend/wasm/parity'

beforeAll(async () => {
  await initBackend('wasm', { threads: 1 })
})

describe('the fused BN running-average update on wasm', () => {
  const rng = Rng.fromSeed(31)
  const running = randomValues(rng, 37).map(Math.abs)
  const batch = randomValues(rng, 37).map(Math.abs)
  for (const [momentum, scale] of [
    [0.1, 1],
    [0.1, 400 / 399],
    [0.01, 6 / 5],
  ] as const) {
    it(`equals tfjs' composite bit for bit (momentum ${momentum}, scale ${scale.toFixed(4)})`, () => {
      expect(runningAverageRuns()).toBe(true)
      const [fused, composite] = tf.tidy(() => {
        const [r, b] = [tf.tensor1d(running), tf.tensor1d(batch)]
        const viaKernel = tf.engine().runKernel(RunningAverage, { running: r, batch: b }, { momentum, scale })
        const scaled = scale === 1 ? b : tf.mul(b, scale)
        const viaOps = tf.add(tf.mul(r, 1 - momentum), tf.mul(scaled, momentum))
        return [(viaKernel as tf.Tensor).dataSync(), viaOps.dataSync()]
      })
      expect([...fused!]).toEqual([...composite!])
    })
  }
})
