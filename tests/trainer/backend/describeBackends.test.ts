import { describe, expect, it } from 'vitest'
import { BackendSurvey } from '../../../src/shared/backends/backendSurvey'
import { describeBackends } from '../../../src/trainer/backend/describeBackends'
import { fakePackages } from './fakePackages'

const noGpu = async () => []

describe('describing the backends for the doctor', () => {
  it('says which run here and why the native ones do not, with how to get them', async () => {
    const survey = await describeBackends({ threads: 2, packages: fakePackages({}), adapters: noGpu })
    expect(BackendSurvey.parse(survey)).toEqual(survey)
    expect(survey.autoPick).toBe('wasm')
    const [gpu, webgpu, native, wasm, cpu] = survey.backends
    expect(gpu).toMatchObject({ name: 'tensorflow-gpu', available: false, version: null })
    expect(gpu!.reason).toMatch(
      /not installed; `npm install @tensorflow\/tfjs-node-gpu@4\.22\.0` installs only where you supply libtensorflow.*403 since August 2026.*CUDA 11\.2 and cuDNN 8\.1/,
    )
    expect(webgpu).toMatchObject({ name: 'webgpu', available: false, adapters: [], autoAdapter: null })
    expect(webgpu!.reason).toMatch(/^no WebGPU adapter/)
    expect(native).toMatchObject({ name: 'tensorflow', available: false })
    expect(native!.reason).toMatch(/npm install @tensorflow\/tfjs-node@4\.22\.0/)
    expect(wasm).toMatchObject({ name: 'wasm', available: true, version: '4.22.0', threads: 2, simd: true })
    expect(wasm!.notes).toContain(
      'convolutions: our SIMD matrix products on 2 thread(s), relaxed-SIMD multiply-add',
    )
    expect(cpu).toMatchObject({ name: 'cpu', available: true, threads: 1, simd: false })
  })

  it('starts only one TensorFlow package and prefers the GPU that works', async () => {
    const packages = fakePackages({
      installed: { '@tensorflow/tfjs-node-gpu': '4.22.0', '@tensorflow/tfjs-node': '4.22.0' },
      usingGpu: true,
    })
    const survey = await describeBackends({ threads: 1, packages, adapters: noGpu })
    expect(survey.autoPick).toBe('tensorflow-gpu')
    expect(survey.backends[0]).toMatchObject({
      name: 'tensorflow-gpu',
      available: true,
      version: '4.22.0',
      notes: ['on a CUDA GPU'],
    })
    expect(survey.backends[2]).toMatchObject({ name: 'tensorflow', available: false, version: '4.22.0' })
    expect(survey.backends[2]!.reason).toMatch(/only one can be/)
    expect(packages.imported).toEqual(['@tensorflow/tfjs-node-gpu'])
  })
})
