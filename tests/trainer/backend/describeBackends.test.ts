import { describe, expect, it } from 'vitest'
import { BackendSurvey } from '../../../src/shared/backends/backendSurvey'
import { describeBackends } from '../../../src/trainer/backend/describeBackends'
import { fakePackages } from './fakePackages'

describe('describing the backends for the doctor', () => {
  it('says which run here and why the native ones do not, with how to get them', async () => {
    const survey = await describeBackends({ threads: 2, packages: fakePackages({}) })
    expect(BackendSurvey.parse(survey)).toEqual(survey)
    expect(survey.autoPick).toBe('wasm')
    const [gpu, native, wasm, cpu] = survey.backends
    expect(gpu).toMatchObject({ name: 'tensorflow-gpu', available: false, version: null })
    expect(gpu!.reason).toMatch(
      /not installed; install it with `npm install @tensorflow\/tfjs-node-gpu@4\.22\.0`.*CUDA 11\.2/,
    )
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
    const survey = await describeBackends({ threads: 1, packages })
    expect(survey.autoPick).toBe('tensorflow-gpu')
    expect(survey.backends[0]).toMatchObject({
      name: 'tensorflow-gpu',
      available: true,
      version: '4.22.0',
      notes: ['on a CUDA GPU'],
    })
    expect(survey.backends[1]).toMatchObject({ name: 'tensorflow', available: false, version: '4.22.0' })
    expect(survey.backends[1]!.reason).toMatch(/only one can be/)
    expect(packages.imported).toEqual(['@tensorflow/tfjs-node-gpu'])
  })
})
