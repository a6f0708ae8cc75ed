import { describe, expect, it } from 'vitest'
import { diagnoseElectronExit } from '../../../src/main/desktopStart/electronExitDiagnosis'

const electronPath = '/home/u/wb/node_modules/electron/dist/electron'
const diagnose = (stderr: string, code: number | null = 1) =>
  diagnoseElectronExit({ code, signal: code === null ? 'SIGTRAP' : null, stderr, electronPath })

describe('diagnosing an Electron that quit at start', () => {
  it('recognises Ubuntu’s AppArmor namespace restriction and offers both remedies', () => {
    const d = diagnose(
      '[9:FATAL:zygote_host_impl_linux.cc(127)] No usable sandbox! If you are running on Ubuntu 23.10+ or another ' +
        'Linux distro that has disabled unprivileged user namespaces with AppArmor, see https://chromium.googlesource.com/…\n',
      null,
    )
    expect(d.kind).toBe('sandbox')
    expect(d.remedy).toContain(
      'sudo chown root:root "/home/u/wb/node_modules/electron/dist/chrome-sandbox" && sudo chmod 4755',
    )
    expect(d.remedy).toContain(`profile chase-workbench-electron "${electronPath}" flags=(unconfined) {`)
    expect(d.remedy).toContain('userns,')
    expect(d.remedy).not.toMatch(/--no-sandbox/)
  })

  it('names a missing system library', () => {
    const d = diagnose(
      `${electronPath}: error while loading shared libraries: libnss3.so: cannot open shared object file: No such file or directory\n`,
      127,
    )
    expect(d).toMatchObject({ kind: 'missing-library', summary: expect.stringContaining('libnss3.so') })
  })

  it('falls back to the last stderr line for anything else', () => {
    expect(diagnose('starting\nSomething odd happened\n', 5)).toEqual({
      kind: 'unknown',
      summary: 'Electron exited at start (code 5): Something odd happened',
      remedy: '',
    })
    expect(diagnose('', null).summary).toBe('Electron exited at start (SIGTRAP)')
  })
})
