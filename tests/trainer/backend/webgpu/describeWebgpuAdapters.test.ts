import { expect, it } from 'vitest'
import { describeBackends } from '../../../../src/trainer/backend/describeBackends'
import { fakePackages } from '../fakePackages'
import { describeWebgpu } from './softwareGpu'

describeWebgpu('the doctor on a machine with only a software adapter (SwiftShader)', () => {
  it('lists the adapter as software with its limits, auto passes it over, forcing starts it', async () => {
    const survey = await describeBackends({ threads: 1, packages: fakePackages({}) })
    const webgpu = survey.backends.find((b) => b.name === 'webgpu')!
    expect(webgpu.available).toBe(false)
    expect(webgpu.reason).toMatch(/^only a software adapter \(.*swiftshader.*\), which auto never takes/i)
    const adapter = webgpu.adapters!.find((a) => /swiftshader/i.test(`${a.architecture} ${a.description}`))
    expect(adapter).toMatchObject({ software: true, vendor: 'google' })
    expect(adapter!.limits.maxStorageBufferBindingSize).toBeGreaterThan(1 << 20)
    expect(webgpu.autoAdapter).toBeNull()
    expect(webgpu.notes).toContain('starts on the software adapter when forced (system.backend=webgpu)')
    expect(survey.autoPick).toBe('wasm')
  }, 120_000)
})
