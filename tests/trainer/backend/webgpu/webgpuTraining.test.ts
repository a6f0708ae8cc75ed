import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-layers'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { checkBackendHealth, pickBackend } from '../../../../src/trainer/backend/pickBackend'
import { stopWebgpuBackend } from '../../../../src/trainer/backend/webgpuBackend'
import { TrainStep } from '../../../../src/trainer/training/trainStep'
import { loadTrainingState, saveTrainingState } from '../../../../src/trainer/training/trainingState'
import { createHarness, testConfig, tinyModels, type Harness } from '../../chase/engineHarness'
import { syntheticBatch } from './chaseDispatch'
import { describeWebgpu } from './softwareGpu'

const spec = tinyModels['VGG-like (vgg11 ×1/16, 16×16)']!()
const progress = { epochsCompleted: 0, stream: null, best: null, elapsedSeconds: 0, imagesSeen: 0 }

/** Real steps first…last (forward, backward, SGD, engine: updates at 5 and 10, a channel event at 8). */
async function train(h: Harness, first: number, last: number): Promise<number[]> {
  const step = new TrainStep(spec, h.params)
  const losses: number[] = []
  for (let s = first; s <= last; s++) {
    const { loss, grads } = await step.run(syntheticBatch(spec, 4, s))
    h.sgd.step(grads)
    await h.engine.onStep(s, grads)
    tf.dispose([...grads.values()])
    losses.push(loss)
  }
  return losses
}

const partsOf = (h: Harness) => ({ params: h.params, optimizer: h.sgd, engine: h.engine })

async function weightsOf(h: Harness): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {}
  for (const [name, variable] of h.params) out[name] = Array.from(await variable.data())
  return out
}

describeWebgpu('training on webgpu (SwiftShader)', () => {
  beforeAll(async () => {
    await pickBackend('webgpu')
  })
  afterAll(() => stopWebgpuBackend())

  it('gives the same weights for the same seed, and resumes exactly from a checkpoint', async () => {
    const whole = createHarness(spec, testConfig(), 5)
    const wholeLosses = await train(whole, 1, 10)
    const again = createHarness(spec, testConfig(), 5)
    await train(again, 1, 10)
    const first = createHarness(spec, testConfig(), 5)
    const firstLosses = await train(first, 1, 6)
    const path = join(mkdtempSync(join(tmpdir(), 'webgpu-resume-')), 'checkpoint.ckpt')
    await saveTrainingState(path, 'run', partsOf(first), { ...progress, step: 6 })
    first.dispose()
    const resumed = createHarness(spec, testConfig(), 77)
    expect(loadTrainingState(path, partsOf(resumed)).step).toBe(6)
    const restLosses = await train(resumed, 7, 10)

    const reference = await weightsOf(whole)
    expect(await weightsOf(again), 'same seed').toEqual(reference)
    expect(await weightsOf(resumed), 'resumed').toEqual(reference)
    expect([...firstLosses, ...restLosses]).toEqual(wholeLosses)
    expect(await resumed.engine.exportState()).toEqual(await whole.engine.exportState())
    for (const h of [whole, again, resumed]) h.dispose()
  }, 300_000)

  it('computes the loss wasm computes, step for step', async () => {
    const losses = async (backend: 'webgpu' | 'wasm') => {
      await pickBackend(backend, { threads: 1 })
      const h = createHarness(spec, testConfig(), 9)
      const values = await train(h, 1, 6)
      h.dispose()
      return values
    }
    const wasm = await losses('wasm')
    const webgpu = await losses('webgpu')
    webgpu.forEach((loss, i) => expect(Math.abs(loss - wasm[i]!), `step ${i + 1}`).toBeLessThan(1e-4))
  }, 300_000)

  it('stops on an error the GPU reports on its own (a result it computed is garbage)', async () => {
    expect(() => checkBackendHealth()).not.toThrow()
    // A shader that does not compile: the device reports it to no caller, only to its handler.
    const device = (tf.backend() as unknown as { device: { createShaderModule(d: object): unknown } }).device
    device.createShaderModule({ code: 'fn main( {' })
    await tf.tidy(() => tf.add(tf.ones([4]), 1)).data()
    expect(() => checkBackendHealth()).toThrow(/The GPU reported an error while computing.*WGSL/)
    // Reported once: the next check is clean.
    expect(() => checkBackendHealth()).not.toThrow()
  })

  it('keeps tensor memory flat across steps, updates and channel events', async () => {
    const h = createHarness(spec, testConfig(), 3)
    await train(h, 1, 2)
    const before = tf.memory()
    await train(h, 3, 10)
    expect(tf.memory().numTensors).toBe(before.numTensors)
    expect(tf.memory().numBytes).toBe(before.numBytes)
    h.dispose()
  }, 300_000)
})
