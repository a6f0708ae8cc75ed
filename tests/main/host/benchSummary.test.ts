import { describe, expect, it } from 'vitest'
import { summarizeBench } from '../../../src/main/host/benchSummary'
import { BenchResult } from '../../../src/shared/protocol/trainerMessages'

const result = (samples: unknown[]) =>
  BenchResult.parse({
    backend: { name: 'wasm', version: '4.22.0', threads: 1, simd: true, skipped: [] },
    model: 'vgg11',
    channelSparsity: 0.5,
    gpuSupportedRatio: 0.5,
    samples,
    machine: { cpus: 'x', cores: 2, memoryBytes: 1 },
  })

describe('summarizeBench', () => {
  it('gives one dense/slimmed speedup per runtime and batch size', () => {
    const summary = summarizeBench(
      result([
        { variant: 'dense', batchSize: 8, latencyMs: [10, 10, 10] },
        { variant: 'slimmed', batchSize: 8, latencyMs: [5, 5, 5] },
        { runtime: 'onnxruntime-cpu', variant: 'dense', batchSize: 8, latencyMs: [3, 3, 3] },
        { runtime: 'onnxruntime-cpu', variant: 'slimmed', batchSize: 8, latencyMs: [2, 2, 2] },
      ]),
    )
    expect(summary.speedups).toEqual([
      { runtime: 'tfjs', batchSize: 8, speedup: 2 },
      { runtime: 'onnxruntime-cpu', batchSize: 8, speedup: 1.5 },
    ])
    expect(summary.stats.map((s) => `${s.runtime} ${s.variant}`)).toEqual([
      'tfjs dense',
      'tfjs slimmed',
      'onnxruntime-cpu dense',
      'onnxruntime-cpu slimmed',
    ])
  })

  it('reads records stored before ONNX Runtime was benchmarked as tfjs ones', () => {
    const old = result([{ variant: 'dense', batchSize: 1, latencyMs: [1] }])
    expect(old.samples[0]!.runtime).toBe('tfjs')
    expect(old.onnxRuntime).toBeNull()
  })
})
