import { describe, expect, it } from 'vitest'
import { parseGpuBenchOptions } from '../../bench/gpu/gpuBenchOptions'
import { checkInference, checkTraining, gpuTargets } from '../../bench/gpu/gpuTargets'
import type { InferenceRow } from '../../bench/gpu/inferenceRow'
import type { TrainingRow } from '../../bench/gpu/trainingRows'

const hardware = { softwareAdapter: false, torchOnGpu: true }

function trained(model: string, path: TrainingRow['path'], imagesPerSecond: number): TrainingRow {
  return { model, path, ranOn: path, onGpu: path !== 'wasm', batch: 128, msPerStep: [], imagesPerSecond }
}

function inferred(measuredSpeedup: number, flopsSpeedup: number, batch = 128): InferenceRow {
  return {
    model: 'vgg19',
    ranOn: 'gpu',
    batch,
    channelSparsity: 0.5,
    denseMs: measuredSpeedup,
    slimmedMs: 1,
    measuredSpeedup,
    flopsSpeedup,
  }
}

describe('the gpu bench targets', () => {
  it('judges VGG-19 training as webgpu images/s over PyTorch’s against 0.5×', () => {
    const rows = [trained('vgg19', 'webgpu', 600), trained('vgg19', 'torch', 1000)]
    expect(checkTraining('vgg19', rows, hardware)).toMatchObject({ ratio: 0.6, verdict: 'PASS' })
    const slow = [trained('vgg19', 'webgpu', 400), trained('vgg19', 'torch', 1000)]
    expect(checkTraining('vgg19', slow, hardware)).toMatchObject({ ratio: 0.4, verdict: 'FAIL' })
  })

  it('holds ResNet-32 to no worse than 2× slower than PyTorch', () => {
    expect(gpuTargets.resnetTrainingVsTorch).toBe(0.5)
    const rows = [trained('resnet32', 'webgpu', 500), trained('resnet32', 'torch', 1000)]
    expect(checkTraining('resnet32', rows, hardware)?.verdict).toBe('PASS')
  })

  it('does not judge a software adapter or PyTorch on the CPU, but still gives the ratio', () => {
    const rows = [trained('vgg19', 'webgpu', 10), trained('vgg19', 'torch', 100)]
    const software = checkTraining('vgg19', rows, { softwareAdapter: true, torchOnGpu: true })
    expect(software).toMatchObject({ ratio: 0.1, verdict: 'not judged' })
    expect(software?.detail).toContain('software adapter')
    const cpuTorch = checkTraining('vgg19', rows, { softwareAdapter: false, torchOnGpu: false })
    expect(cpuTorch?.detail).toContain('PyTorch ran on the CPU')
  })

  it('says which row is missing when one failed', () => {
    const check = checkTraining('vgg19', [trained('vgg19', 'torch', 100)], hardware)
    expect(check).toMatchObject({ ratio: null, verdict: 'not judged', detail: 'no webgpu row' })
  })

  it('compares the measured slimming speedup with the FLOPs speedup at batch 128 only', () => {
    expect(checkInference(inferred(1.7, 2), 'vgg19', hardware)).toMatchObject({
      ratio: 0.85,
      verdict: 'PASS',
    })
    expect(checkInference(inferred(1.5, 2), 'vgg19', hardware).verdict).toBe('FAIL')
    expect(checkInference(inferred(1.7, 2, 8), 'vgg19', hardware).verdict).toBe('not judged')
    expect(checkInference(undefined, 'vgg19', hardware).detail).toBe('no inference row')
  })
})

describe('the gpu bench options', () => {
  it('runs VGG-19 and ResNet-32 at batch 128 by default, and tiny in quick mode', () => {
    expect(parseGpuBenchOptions([])).toMatchObject({
      models: ['vgg19', 'resnet32'],
      batch: 128,
      inferenceBatch: 128,
    })
    expect(parseGpuBenchOptions(['--quick'])).toMatchObject({
      batch: 8,
      steps: 2,
      inferenceBatch: 2,
      inferenceReps: 1,
    })
  })

  it('refuses unknown models and rows with what it knows', () => {
    expect(() => parseGpuBenchOptions(['--models', 'vgg99'])).toThrow(/unknown "vgg99"; pick from/)
    expect(() => parseGpuBenchOptions(['--skip', 'gpu'])).toThrow(/rows are webgpu, wasm, torch, inference/)
    expect(() => parseGpuBenchOptions(['--steps', '0'])).toThrow(/--steps must be an integer ≥ 1/)
  })
})
