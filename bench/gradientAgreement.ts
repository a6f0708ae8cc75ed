/**
 * How closely each backend's first training step agrees with the `cpu` backend's (tfjs' plain loops,
 * float64 accumulation in its convolutions): cnn-small, seed 41, one real Fashion-MNIST batch of 100
 * (the fixture), the same initial weights. Per parameter, the gradient's relative RMS difference from
 * cpu's, for wasm (with and without relaxed SIMD's fused multiply-add) and webgpu (where an adapter is).
 *
 * Why runs on two backends part ways although each kernel matches cpu to about 1e-6: the gradients of
 * the layers ahead of a max-pool (conv1, bn1, conv2 here) jump when a rounding difference in the forward
 * pass flips which value of a near-tied window is the maximum. On cpu alone, scaling each weight by
 * 1 ± 1e-7 at random moves those gradients by 4e-5 to 8e-5 and the others by 3e-7; by 1 ± 1e-6, by
 * 2e-4 to 5e-4 (wasm's figures) against 2e-6. SGD and the discrete prune, grow and channel choices then
 * carry the difference on. docs/measurements/webgpu-swiftshader.md has a run.
 *
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npm run bench -- gradientAgreement
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { resolve } from 'node:path'
import { datasets } from '../src/shared/data/datasets'
import { buildModel } from '../src/shared/models/registry'
import { Rng } from '../src/shared/rng'
import { pickBackend } from '../src/trainer/backend/pickBackend'
import { registerWasmTrainingKernels } from '../src/trainer/backend/wasm/registerTrainingKernels'
import { stopWebgpuBackend } from '../src/trainer/backend/webgpuBackend'
import { readMnistFolder } from '../src/trainer/data/mnistFolder'
import { createParameters, disposeParameters } from '../src/trainer/model/parameters'
import { TrainStep } from '../src/trainer/training/trainStep'

const batch = 100
const spec = buildModel('cnn-small', { input: [28, 28, 1], classes: 10, widthMultiplier: 1 })
const { train } = await readMnistFolder(
  resolve(import.meta.dirname, '../tests/fixtures/data/fashion-mnist'),
  'fashion-mnist',
)
// Normalised with Fashion-MNIST's mean and standard deviation, as the trainer does.
const [mean, std] = [datasets['fashion-mnist'].mean[0]!, datasets['fashion-mnist'].std[0]!]
const images = Float32Array.from(train.images.subarray(0, batch * 784), (v) => (v / 255 - mean) / std)
const labels = Int32Array.from(train.labels.subarray(0, batch))

type Gradients = Map<string, Float32Array>

async function firstStep(backend: 'cpu' | 'wasm' | 'webgpu', relaxedSimd = true): Promise<Gradients> {
  await pickBackend(backend, { threads: 1 })
  if (backend === 'wasm') registerWasmTrainingKernels({ relaxedSimd })
  const params = createParameters(spec, Rng.fromSeed(41))
  const { grads } = await new TrainStep(spec, params).run({ images, labels, shape: [batch, 28, 28, 1] })
  const out: Gradients = new Map()
  for (const [name, g] of grads) out.set(name, (await g.data()) as Float32Array)
  tf.dispose([...grads.values()])
  disposeParameters(params)
  return out
}

function relativeRms(actual: Float32Array, expected: Float32Array): number {
  let difference = 0
  let scale = 0
  for (let i = 0; i < expected.length; i++) {
    difference += (actual[i]! - expected[i]!) ** 2
    scale += expected[i]! ** 2
  }
  return Math.sqrt(difference / scale)
}

const reference = await firstStep('cpu')
const columns: [string, Gradients][] = [
  ['wasm', await firstStep('wasm')],
  ['wasm, no FMA', await firstStep('wasm', false)],
]
registerWasmTrainingKernels()
try {
  columns.push(['webgpu', await firstStep('webgpu')])
} catch (error) {
  console.log(`webgpu: not measured (${error instanceof Error ? error.message.split('\n')[0] : error})`)
} finally {
  stopWebgpuBackend()
}

console.log(`\nfirst-step gradients, relative RMS difference from cpu (cnn-small, batch ${batch}, seed 41)`)
console.log(`${'parameter'.padEnd(14)}${columns.map(([name]) => name.padStart(14)).join('')}`)
for (const [name, expected] of reference)
  console.log(
    `${name.padEnd(14)}${columns.map(([, got]) => relativeRms(got.get(name)!, expected).toExponential(2).padStart(14)).join('')}`,
  )
process.exit(0)
