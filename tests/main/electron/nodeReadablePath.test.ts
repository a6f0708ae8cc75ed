import { describe, expect, it } from 'vitest'
import { nodeReadablePath } from '../../../src/main/electron/nodeReadablePath'

describe('nodeReadablePath', () => {
  it('keeps a path outside any asar as it is', () => {
    expect(nodeReadablePath('/home/a/chase/out/main/trainer.js', () => false)).toEqual({
      ok: true,
      path: '/home/a/chase/out/main/trainer.js',
    })
  })

  it('takes the unpacked copy of a file inside app.asar when there is one (POSIX and Windows paths)', () => {
    const unpacked = new Set([
      '/opt/Chase Workbench/resources/app.asar.unpacked/out/main/trainer.js',
      'C:\\Program Files\\Chase Workbench\\resources\\app.asar.unpacked\\out\\main\\trainer.js',
    ])
    const exists = (path: string) => unpacked.has(path)
    expect(nodeReadablePath('/opt/Chase Workbench/resources/app.asar/out/main/trainer.js', exists)).toEqual({
      ok: true,
      path: '/opt/Chase Workbench/resources/app.asar.unpacked/out/main/trainer.js',
    })
    expect(
      nodeReadablePath(
        'C:\\Program Files\\Chase Workbench\\resources\\app.asar\\out\\main\\trainer.js',
        exists,
      ),
    ).toEqual({
      ok: true,
      path: 'C:\\Program Files\\Chase Workbench\\resources\\app.asar.unpacked\\out\\main\\trainer.js',
    })
  })

  it('says why and what to do when the file is only inside app.asar', () => {
    const readable = nodeReadablePath(
      '/opt/Chase Workbench/resources/app.asar/out/main/trainer.js',
      () => false,
    )
    expect(readable.ok).toBe(false)
    if (readable.ok) return
    expect(readable.reason).toContain('which Node.js cannot read')
    expect(readable.reason).toContain('chase-workbench serve')
  })

  it('does not mistake a folder merely named like an asar for one', () => {
    expect(nodeReadablePath('/home/a/app.asar.notes/out/main/trainer.js', () => false)).toMatchObject({
      ok: true,
    })
  })
})
