import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { BackendReport } from '../../../src/shared/protocol/trainerMessages'
import { probeNativePackage } from '../../../src/trainer/backend/nativeBackend'
import { BackendUnavailableError, pickBackend } from '../../../src/trainer/backend/pickBackend'
import { fakePackages } from './fakePackages'

const nothingInstalled = fakePackages({})
/** A machine without a WebGPU adapter (the webgpu suites test real ones on SwiftShader). */
const noGpu = async () => []
const noAdapterLine = expect.stringMatching(/^webgpu: no WebGPU adapter/)

describe('picking a backend on a machine without the native packages', () => {
  it('falls through to wasm and says why each better backend was skipped', async () => {
    const report = await pickBackend('auto', { threads: 1, packages: nothingInstalled, adapters: noGpu })
    expect(BackendReport.parse(report)).toEqual(report)
    expect(report).toMatchObject({ name: 'wasm', threads: 1, simd: true, version: '4.22.0' })
    expect(report.skipped).toEqual([
      'tensorflow-gpu: @tensorflow/tfjs-node-gpu is not installed',
      noAdapterLine,
      'tensorflow: @tensorflow/tfjs-node is not installed',
    ])
    expect(tf.getBackend()).toBe('wasm')
  })

  it('refuses a forced tensorflow-gpu with what to install and what it needs', async () => {
    const attempt = pickBackend('tensorflow-gpu', { packages: nothingInstalled })
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError)
    await expect(attempt).rejects.toThrow(/@tensorflow\/tfjs-node-gpu is not installed/)
    await expect(attempt).rejects.toThrow(/npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/)
    await expect(attempt).rejects.toThrow(/CUDA 11\.2 and cuDNN 8\.1/)
    await expect(attempt).rejects.toThrow(/download answers 403 since August 2026 \(tfjs #8742\)/)
  })

  it('refuses a forced tensorflow with the npm command', async () => {
    await expect(pickBackend('tensorflow', { packages: nothingInstalled })).rejects.toThrow(
      /"tensorflow" backend is not available: @tensorflow\/tfjs-node is not installed; `npm install @tensorflow\/tfjs-node@4\.22\.0` installs only where you supply libtensorflow 2\.9\.1 yourself \(the package's scripts\/custom-binary\.json route\)/,
    )
  })

  it('starts cpu when asked, single-threaded', async () => {
    expect(await pickBackend('cpu')).toEqual({
      name: 'cpu',
      version: '4.22.0',
      threads: 1,
      simd: false,
      skipped: [],
    })
    expect(tf.getBackend()).toBe('cpu')
  })
})

describe('native packages that are present but cannot run', () => {
  it('reports a package whose native addon fails to load, and moves on', async () => {
    const packages = fakePackages({
      installed: { '@tensorflow/tfjs-node': '4.22.0' },
      importFails: 'libtensorflow.so.2: cannot open shared object file',
    })
    const report = await pickBackend('auto', { threads: 1, packages, adapters: noGpu })
    expect(report.name).toBe('wasm')
    expect(report.skipped[1]).toEqual(noAdapterLine)
    expect(report.skipped[2]).toBe(
      'tensorflow: @tensorflow/tfjs-node 4.22.0 failed to load: libtensorflow.so.2: cannot open shared object file',
    )
  })

  it('refuses a package that brings a different tfjs-core, without loading it', async () => {
    const packages = fakePackages({ installed: { '@tensorflow/tfjs-node': '4.10.0' }, nestedCore: '4.10.0' })
    expect(probeNativePackage('tensorflow', packages).problem).toBe(
      '@tensorflow/tfjs-node 4.10.0 brings its own @tensorflow/tfjs-core 4.10.0, but the trainer uses 4.22.0: ' +
        'install @tensorflow/tfjs-node@4.22.0 so npm keeps a single tfjs-core',
    )
    await expect(pickBackend('tensorflow', { packages })).rejects.toThrow(
      /brings its own @tensorflow\/tfjs-core 4\.10\.0/,
    )
    expect(packages.imported).toEqual([])
  })
})

describe('native packages that load', () => {
  it('uses tensorflow-gpu when TensorFlow sees a GPU, and every tfjs-core op then runs on it', async () => {
    const packages = fakePackages({ installed: { '@tensorflow/tfjs-node-gpu': '4.22.0' }, usingGpu: true })
    const report = await pickBackend('auto', { packages })
    expect(report).toMatchObject({ name: 'tensorflow-gpu', version: '4.22.0', skipped: [] })
    expect(tf.getBackend()).toBe('tensorflow')
    const sum = tf.add(tf.tensor([1, 2]), tf.tensor([3, 4]))
    expect(tf.engine().backendName).toBe('tensorflow')
    expect(Array.from(sum.dataSync())).toEqual([4, 6])
  })

  it('runs a GPU package that finds no CUDA device as tensorflow on the CPU', async () => {
    const packages = fakePackages({ installed: { '@tensorflow/tfjs-node-gpu': '4.22.0' }, usingGpu: false })
    const report = await pickBackend('auto', { packages, adapters: noGpu })
    expect(report.name).toBe('tensorflow')
    expect(report.skipped).toEqual([
      'tensorflow-gpu: @tensorflow/tfjs-node-gpu 4.22.0 loaded, but TensorFlow sees no CUDA GPU (it needs CUDA 11.2 and cuDNN 8.1)',
      noAdapterLine,
      'tensorflow: runs on the CPU through @tensorflow/tfjs-node-gpu',
    ])
    expect(packages.imported).toEqual(['@tensorflow/tfjs-node-gpu'])
    await expect(pickBackend('tensorflow-gpu', { packages })).rejects.toThrow(/sees no CUDA GPU/)
  })
})
