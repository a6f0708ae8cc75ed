import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import doctor, { doctorSections, type DoctorSection } from '../../../../src/main/headless/commands/doctor'
import { UsageError, type CommandIo } from '../../../../src/main/headless/command'

function capture(): { io: CommandIo; output: () => string } {
  const stdout = new PassThrough()
  let text = ''
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()))
  return { io: { stdout, stderr: new PassThrough(), env: {}, cwd: process.cwd() }, output: () => text }
}

describe('chase-workbench doctor', () => {
  it('reports every backend (probed in a child process) and the machine as JSON', async () => {
    const { io, output } = capture()
    expect(await doctor.run(['--json', '--threads', '1'], io)).toBe(0)
    const report = JSON.parse(output()) as {
      compute: { backends: { name: string; available: boolean; threads: number | null }[]; autoPick: string }
      machine: { cores: number; node: string }
      datasets: { name: string; status: string }[]
    }
    expect(report.compute.backends.map((b) => b.name)).toEqual([
      'tensorflow-gpu',
      'webgpu',
      'tensorflow',
      'wasm',
      'cpu',
    ])
    expect(report.compute.backends.find((b) => b.name === 'wasm')).toMatchObject({
      available: true,
      threads: 1,
    })
    expect(report.compute.autoPick).toBe('wasm')
    expect(report.machine).toMatchObject({ node: process.version })
    expect(report.datasets.map((d) => d.name)).toContain('fashion-mnist')
    expect(report.machine.cores).toBeGreaterThan(0)
  })

  it('prints a section appended to the report, without other changes', async () => {
    const extra: DoctorSection = {
      key: 'extra',
      title: 'Extra',
      collect: async () => ({ json: [], lines: ['something  checked'] }),
    }
    doctorSections.push(extra)
    try {
      const { io, output } = capture()
      await doctor.run([], io)
      expect(output()).toMatch(/Compute backends\n {2}tensorflow-gpu {2}not available/)
      expect(output()).toMatch(/\n\nExtra\n {2}something {2}checked\n$/)
    } finally {
      doctorSections.pop()
    }
  })

  it('rejects an unknown option as a usage error', async () => {
    await expect(doctor.run(['--fast'], capture().io)).rejects.toBeInstanceOf(UsageError)
    await expect(doctor.run(['--threads', 'zero'], capture().io)).rejects.toBeInstanceOf(UsageError)
  })
})
