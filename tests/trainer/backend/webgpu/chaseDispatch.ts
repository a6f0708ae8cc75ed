import * as tf from '@tensorflow/tfjs-core'
import type { ModelSpec } from '../../../../src/shared/models/modelSpec'
import { Rng } from '../../../../src/shared/rng'
import { forward } from '../../../../src/trainer/model/forward'
import { selectLargest } from '../../../../src/trainer/chase/selectExtremes'
import { slimNetwork } from '../../../../src/trainer/model/slim'
import { disposeParameters } from '../../../../src/trainer/model/parameters'
import { TrainStep, type StepInput } from '../../../../src/trainer/training/trainStep'
import { createHarness, testConfig, tinyModels } from '../../chase/engineHarness'

/** A seeded batch for a spec's input shape, with labels cycling over the classes. */
export function syntheticBatch(spec: ModelSpec, size: number, seed: number): StepInput {
  const [h, w, c] = spec.input as readonly [number, number, number]
  const rng = Rng.fromSeed(seed, 5)
  const images = Float32Array.from({ length: size * h * w * c }, () => rng.next() * 2 - 1)
  const labels = Int32Array.from({ length: size }, (_, i) => (i + seed) % spec.classes)
  return { images, labels, shape: [size, h, w, c] }
}

/**
 * What a Chase run does on the current backend, in miniature, on both tiny models (plain and residual):
 * real training steps (forward, backward, BN statistics, the fused SGD step), the engine's channel event
 * (step 8) and prune-and-grow updates (steps 5, 10: soft bound), inference, slimming and the slimmed
 * network's forward pass; and a selection with ties. Returns the names of the kernels it dispatched.
 */
export async function chaseRunKernels(): Promise<string[]> {
  const names = new Set<string>()
  for (const build of Object.values(tinyModels)) {
    const spec = build()
    const h = createHarness(spec, testConfig())
    const step = new TrainStep(spec, h.params)
    const profile = await tf.profile(async () => {
      for (let s = 1; s <= 10; s++) {
        const { grads } = await step.run(syntheticBatch(spec, 2, s))
        h.sgd.step(grads)
        await h.engine.onStep(s, grads)
        tf.dispose([...grads.values()])
      }
      await h.engine.snapshot(10)
      const batch = syntheticBatch(spec, 2, 99)
      const slim = slimNetwork(spec, h.params, h.engine.aliveChannels())
      const logits = tf.tidy(() =>
        [h.params, slim.params].map(
          (params, i) =>
            forward(i === 0 ? spec : slim.spec, params, tf.tensor4d(batch.images, [...batch.shape]), {
              training: false,
            }).logits,
        ),
      )
      await Promise.all(logits.map((l) => l.data()))
      tf.dispose(logits)
      disposeParameters(slim.params)
    })
    for (const kernel of profile.kernels) names.add(kernel.name)
    h.dispose()
  }
  // The selection's tie path (scores equal at the k-th value, e.g. zero gradients): rare in a short run.
  const scores = tf.tensor1d([1, 0, 1, 1, 0])
  const tied = await tf.profile(async () => tf.dispose((await selectLargest([scores], 2)).selected))
  scores.dispose()
  for (const kernel of tied.kernels) names.add(kernel.name)
  return [...names].sort()
}
