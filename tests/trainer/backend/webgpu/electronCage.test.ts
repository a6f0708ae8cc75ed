import { afterEach, describe, expect, it } from 'vitest'
import { BackendUnavailableError, pickBackend } from '../../../../src/trainer/backend/pickBackend'
import { webgpuRefusedHere } from '../../../../src/trainer/backend/webgpu/electronCage'
import { fakePackages } from '../fakePackages'

const cageLine = /^webgpu: Electron 45\.6\.1's V8 memory cage refuses the buffers Dawn's Node bindings return/

/** Pretends this process is an Electron utility process, as the desktop's CPU trainers are. */
function insideElectron(): void {
  Object.defineProperty(process.versions, 'electron', { value: '45.6.1', configurable: true })
}

describe('webgpu inside Electron', () => {
  afterEach(() => {
    delete (process.versions as { electron?: string }).electron
  })

  it('is refused in Electron and allowed in plain Node.js', () => {
    expect(webgpuRefusedHere({ electron: '45.6.1' })).toMatch(/memory cage/)
    expect(webgpuRefusedHere({})).toBeNull()
  })

  it('is skipped by auto with the reason, before any adapter is asked for', async () => {
    insideElectron()
    let asked = 0
    const adapters = async () => {
      asked++
      return []
    }
    const report = await pickBackend('auto', { threads: 1, packages: fakePackages({}), adapters })
    expect(report.name).toBe('wasm')
    expect(report.skipped).toContainEqual(expect.stringMatching(cageLine))
    expect(asked).toBe(0)
  })

  it('fails a forced webgpu at start with the reason', async () => {
    insideElectron()
    const attempt = pickBackend('webgpu', { adapters: async () => [] })
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError)
    await expect(attempt).rejects.toThrow(
      /The "webgpu" backend is not available: Electron 45\.6\.1's V8 memory cage/,
    )
  })
})
