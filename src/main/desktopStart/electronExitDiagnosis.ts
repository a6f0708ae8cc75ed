/**
 * Why an Electron that quit within seconds of its start never opened a window, read from its stderr:
 * a sandbox it may not use (Ubuntu 23.10+ restricts unprivileged user namespaces with AppArmor, electron
 * #42510), no display, or a missing system library. Each diagnosis says what to do. We never turn the
 * sandbox off ourselves: that is the user's call, made knowingly.
 */
export interface ElectronExitDiagnosis {
  readonly kind: 'sandbox' | 'no-display' | 'missing-library' | 'unknown'
  /** One line for the fallback notice. */
  readonly summary: string
  /** What to do, possibly several lines; empty when there is nothing more to say. */
  readonly remedy: string
}

export interface ElectronExit {
  readonly code: number | null
  readonly signal: string | null
  readonly stderr: string
  /** The Electron executable (its folder holds `chrome-sandbox`). */
  readonly electronPath: string
}

export const appArmorProfileName = 'chase-workbench-electron'

export function diagnoseElectronExit(exit: ElectronExit): ElectronExitDiagnosis {
  const { stderr, electronPath } = exit
  const helper = /make sure that (\S+chrome-sandbox) is owned by root/.exec(stderr)?.[1]
  const sandboxHelper = helper ?? electronPath.replace(/[^/\\]+$/, 'chrome-sandbox')
  if (helper || /No usable sandbox|setuid_sandbox|SUID sandbox helper/i.test(stderr)) {
    const profile = `/etc/apparmor.d/${appArmorProfileName}`
    return {
      kind: 'sandbox',
      summary: 'Electron refused to start without its sandbox (this Linux restricts the namespaces it needs)',
      remedy: [
        'Either give Electron’s sandbox helper the owner and mode it needs:',
        `  sudo chown root:root "${sandboxHelper}" && sudo chmod 4755 "${sandboxHelper}"`,
        `or allow Electron user namespaces with an AppArmor profile (Ubuntu 23.10+), saved as ${profile}:`,
        '  abi <abi/4.0>,',
        '  include <tunables/global>',
        `  profile ${appArmorProfileName} "${electronPath}" flags=(unconfined) {`,
        '    userns,',
        `    include if exists <local/${appArmorProfileName}>`,
        '  }',
        `and load it: sudo apparmor_parser -r ${profile}`,
        'Then run npm start again. The workbench does not turn the sandbox off for you.',
      ].join('\n'),
    }
  }
  const library = /error while loading shared libraries: ([^\s:]+)/.exec(stderr)?.[1]
  if (library) {
    return {
      kind: 'missing-library',
      summary: `Electron needs the system library ${library}, which is not installed`,
      remedy: `Install the package that provides ${library} (Debian/Ubuntu: apt-get install the matching lib… package, e.g. libnss3 for libnss3.so), then run npm start again.`,
    }
  }
  if (/Missing X server|cannot open display|Failed to connect to Wayland|\$DISPLAY/i.test(stderr)) {
    return {
      kind: 'no-display',
      summary: 'Electron found no display (no X server or Wayland session)',
      remedy: '',
    }
  }
  const lastLine = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .pop()
  const how = exit.signal ?? `code ${exit.code}`
  return {
    kind: 'unknown',
    summary: `Electron exited at start (${how})${lastLine ? `: ${lastLine.slice(0, 200)}` : ''}`,
    remedy: '',
  }
}
