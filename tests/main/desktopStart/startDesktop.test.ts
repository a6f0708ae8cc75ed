import { EventEmitter } from 'node:events'
import { join, resolve } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { startDesktop, type DesktopStartDeps } from '../../../src/main/desktopStart/startDesktop'

const root = resolve(import.meta.dirname, '../../..')
const electronPath = '/opt/app/node_modules/electron/dist/electron'

class FakeChild extends EventEmitter {
  readonly stderr = new PassThrough()
}

interface Scenario {
  readonly nodeVersion?: string
  readonly buildStatus?: number
  readonly sqliteProblem?: string | null
  readonly electronPresent?: boolean
  readonly fetchFails?: string | null
  /** What the Electron process does: exit with this code and stderr after this many ms. */
  readonly electron?: { code: number | null; stderr?: string; afterMs?: number }
}

/** Runs the start path with every effect recorded; returns the exit code, commands and printed lines. */
async function run(scenario: Scenario) {
  const syncCalls: { command: string; args: readonly string[]; options: unknown }[] = []
  const spawned: { command: string; args: readonly string[]; options: unknown }[] = []
  const lines: string[] = []
  let clock = 0
  let present = scenario.electronPresent ?? true
  const deps: DesktopStartDeps = {
    root,
    argv: ['--port', '4861'],
    env: { PATH: '/usr/bin' },
    nodeVersion: scenario.nodeVersion ?? 'v24.22.3',
    spawnSync: ((command: string, args: readonly string[], options: unknown) => {
      syncCalls.push({ command, args, options })
      return { status: scenario.buildStatus ?? 0 }
    }) as never,
    spawn: ((command: string, args: readonly string[], options: unknown) => {
      spawned.push({ command, args, options })
      const child = new FakeChild()
      const isElectron = command === electronPath
      setTimeout(() => {
        if (isElectron && scenario.electron) {
          clock += scenario.electron.afterMs ?? 500
          if (scenario.electron.stderr) child.stderr.write(scenario.electron.stderr)
          setTimeout(() => child.emit('exit', scenario.electron!.code, null), 5)
        } else child.emit('exit', 0, null)
      }, 5)
      return child
    }) as never,
    electronExecutable: () => (present ? electronPath : null),
    fetchElectron: () => {
      if (scenario.fetchFails) return scenario.fetchFails
      present = true
      return null
    },
    sqliteAddonProblem: () => scenario.sqliteProblem ?? null,
    log: (line) => lines.push(line),
    stderr: new PassThrough(),
    now: () => clock,
  }
  const code = await startDesktop(deps)
  return { code, syncCalls, spawned, lines }
}

describe('npm start', () => {
  it('runs every tool through this Node’s executable, never npx or a shell (Windows has npx.cmd)', async () => {
    const { code, syncCalls, spawned } = await run({ electron: { code: 0, afterMs: 60_000 } })
    expect(code).toBe(0)
    expect(syncCalls).toEqual([
      {
        command: process.execPath,
        args: [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
        options: expect.objectContaining({ cwd: root }),
      },
    ])
    for (const call of [...syncCalls, ...spawned]) {
      expect(call.command).not.toMatch(/npx|(^|\/)sh$|cmd\.exe/)
      expect(call.options).not.toHaveProperty('shell')
    }
    expect(spawned).toEqual([
      {
        command: electronPath,
        args: [root],
        options: expect.objectContaining({ stdio: ['inherit', 'inherit', 'pipe'] }),
      },
    ])
  })

  it('gives Electron the one better-sqlite3 build: no separate binding path is passed', async () => {
    const { spawned } = await run({ electron: { code: 0, afterMs: 60_000 } })
    const env = (spawned[0]!.options as { env: NodeJS.ProcessEnv }).env
    expect(env.CHASE_WORKBENCH_SQLITE_BINDING).toBeUndefined()
  })

  it('recognises the sandbox failure, prints the remedy and never turns the sandbox off', async () => {
    const stderr =
      '[1234:FATAL:setuid_sandbox_host.cc(158)] The SUID sandbox helper binary was found, but is not configured correctly. ' +
      'Rather than run without sandboxing I’m aborting now. You need to make sure that ' +
      '/opt/app/node_modules/electron/dist/chrome-sandbox is owned by root and has mode 4755.\n'
    const { code, spawned, lines } = await run({ electron: { code: null, stderr } })
    expect(code).toBe(0) // the browser mode took over
    expect(lines.join('\n')).toContain(
      'sudo chown root:root "/opt/app/node_modules/electron/dist/chrome-sandbox" && sudo chmod 4755',
    )
    expect(lines.join('\n')).toMatch(/apparmor_parser -r/)
    expect(lines.join('\n')).not.toMatch(/is there a display/)
    expect(lines.at(-1)).toMatch(
      /^Electron refused to start without its sandbox.*: starting the browser mode instead\.$/,
    )
    expect(spawned.flatMap((s) => s.args)).not.toContain('--no-sandbox')
    expect(spawned[1]!.args).toEqual([join(root, 'bin', 'chase-workbench'), 'serve', '--port', '4861'])
  })

  it('says there is no display only when Electron said so', async () => {
    const { lines } = await run({
      electron: { code: 1, stderr: '[5:ERROR:ozone_platform_x11.cc(245)] Missing X server or $DISPLAY\n' },
    })
    expect(lines.at(-1)).toBe(
      'Electron found no display (no X server or Wayland session): starting the browser mode instead.',
    )
  })

  it('leaves a window that ran for a while alone when it exits', async () => {
    const { code, spawned } = await run({ electron: { code: 3, afterMs: 60_000 } })
    expect(code).toBe(3)
    expect(spawned).toHaveLength(1)
  })

  it('fetches a missing Electron binary once, and serves the browser mode when that fails', async () => {
    const fetched = await run({ electronPresent: false, electron: { code: 0, afterMs: 60_000 } })
    expect(fetched.spawned[0]!.command).toBe(electronPath)
    const offline = await run({
      electronPresent: false,
      fetchFails: 'Electron’s binary could not be downloaded (ENOTFOUND)',
    })
    expect(offline.lines.at(-1)).toBe(
      'Electron’s binary could not be downloaded (ENOTFOUND): starting the browser mode instead.',
    )
  })

  it('shows the real better-sqlite3 error instead of starting a window that would die', async () => {
    const { code, spawned, lines } = await run({
      sqliteProblem: 'better-sqlite3 does not load (invalid ELF header). Run `npm rebuild better-sqlite3`',
    })
    expect(code).toBe(1)
    expect(spawned).toHaveLength(0)
    expect(lines).toEqual([
      'better-sqlite3 does not load (invalid ELF header). Run `npm rebuild better-sqlite3`',
    ])
  })

  it('stops with the build’s exit code when the build fails', async () => {
    const { code, spawned } = await run({ buildStatus: 2 })
    expect(code).toBe(2)
    expect(spawned).toHaveLength(0)
  })

  it('refuses an unsupported Node before building or loading anything', async () => {
    const { code, syncCalls, lines } = await run({ nodeVersion: 'v20.20.2' })
    expect(code).toBe(1)
    expect(syncCalls).toHaveLength(0)
    expect(lines[0]).toMatch(/Node 20\.20\.2 is not supported: .*Node 24 LTS/)
  })
})
