import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/headless/cli'
import { trainCommand } from '../../../src/main/headless/commands/train'
import { schemaVersion } from '../../../src/main/host/migrations'
import { RunStore } from '../../../src/main/host/runStore'
import { fixtureLauncher } from '../host/hostHarness'
import { captureIo } from './cliIo'

/** A read-only view of `source` (a bind mount remounted ro; root only, as here and in CI), or why not. */
function readOnlyMount(source: string): { dir: string; cleanup: () => void } | string {
  const dir = mkdtempSync(join(tmpdir(), 'chase-ro-'))
  try {
    execFileSync('mount', ['--bind', source, dir], { stdio: 'pipe' })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    return `cannot bind-mount here (${(error as Error).message.split('\n')[0]}): needs root`
  }
  const cleanup = () => {
    execFileSync('umount', ['-l', dir])
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    execFileSync('mount', ['-o', 'remount,bind,ro', dir], { stdio: 'pipe' })
  } catch (error) {
    cleanup()
    return `cannot remount read-only here (${(error as Error).message.split('\n')[0]})`
  }
  return { dir, cleanup }
}

const probeDir = mkdtempSync(join(tmpdir(), 'chase-ro-probe-'))
const probe = readOnlyMount(probeDir)
const unavailable = typeof probe === 'string' ? probe : null
if (typeof probe !== 'string') probe.cleanup()
rmSync(probeDir, { recursive: true, force: true })

describe('read-only commands on a read-only filesystem', () => {
  const cleanups: (() => void)[] = []
  afterEach(() =>
    cleanups
      .splice(0)
      .reverse()
      .forEach((c) => c()),
  )

  async function trainedStore(runs: number): Promise<{ dir: string; runIds: string[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'chase-ro-src-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const runIds: string[] = []
    for (let i = 0; i < runs; i++) {
      const io = captureIo(dir)
      const code = await trainCommand({ launcher: fixtureLauncher({ steps: 10 }) }).run(
        [
          '--preset',
          'quick-fashion-mnist',
          '--db',
          'workbench.db',
          '--json',
          '--set',
          `channels.sparsity=${i ? 0.3 : 0.5}`,
        ],
        io,
      )
      expect(code, io.err()).toBe(0)
      runIds.push(JSON.parse(io.out()).runId as string)
    }
    return { dir, runIds }
  }

  it.skipIf(unavailable !== null)(
    `runs list, runs show and compare read the store and write nothing${unavailable ? ` (skipped: ${unavailable})` : ''}`,
    async () => {
      const { dir: source, runIds } = await trainedStore(2)
      const before = readdirSync(source).sort()
      const mount = readOnlyMount(source)
      if (typeof mount === 'string') throw new Error(mount)
      cleanups.push(mount.cleanup)
      const db = join(mount.dir, 'workbench.db')
      // The mount really is read-only.
      expect(() => mkdirSync(join(mount.dir, 'probe'))).toThrow(/EROFS/)

      const list = captureIo(mount.dir)
      expect(await main(['runs', 'list', '--json', '--db', db], list), list.err()).toBe(0)
      const listed = JSON.parse(list.out()) as { id: string; status: string }[]
      expect(listed.map((r) => r.id).sort()).toEqual([...runIds].sort())
      expect(listed.every((r) => r.status === 'completed')).toBe(true)

      const show = captureIo(mount.dir)
      expect(await main(['runs', 'show', runIds[0]!.slice(0, 18), '--db', db], show), show.err()).toBe(0)
      expect(show.out()).toContain(`Run ${runIds[0]}`)
      expect(show.out()).toContain('train/m0')

      const compare = captureIo(mount.dir)
      expect(await main(['compare', ...runIds, '--db', db], compare), compare.err()).toBe(0)
      expect(compare.out()).toMatch(/channels\.sparsity\s+0\.5\s+0\.3/)

      // A writing command still says clearly why it cannot.
      const del = captureIo(mount.dir)
      expect(await main(['runs', 'delete', runIds[0]!, '--yes', '--db', db], del)).not.toBe(0)
      expect(del.err()).toMatch(/run store/)

      // Nothing was added beside the database: no reserve file, no WAL side files.
      expect(readdirSync(source).sort()).toEqual(before)
    },
    120_000,
  )

  it.skipIf(unavailable !== null)(
    `a run left active on a read-only store is shown, with a warning that it cannot be swept${unavailable ? ` (skipped: ${unavailable})` : ''}`,
    async () => {
      const { dir: source, runIds } = await trainedStore(1)
      const store = RunStore.open({ dbPath: join(source, 'workbench.db'), dataDir: source })
      // As if its host had died mid-run: still `running`, owned by a pid that cannot exist.
      store.db
        .prepare(`UPDATE runs SET status = 'running', host_pid = 2147483646 WHERE id = ?`)
        .run(runIds[0])
      store.close()
      const mount = readOnlyMount(source)
      if (typeof mount === 'string') throw new Error(mount)
      cleanups.push(mount.cleanup)

      const list = captureIo(mount.dir)
      expect(await main(['runs', 'list', '--json', '--db', join(mount.dir, 'workbench.db')], list)).toBe(0)
      expect((JSON.parse(list.out()) as { status: string }[])[0]!.status).toBe('running')
      expect(list.err()).toMatch(/read-only/)
    },
    120_000,
  )

  it.skipIf(unavailable !== null)(
    `a store from an older version, which must be migrated first, is refused with the way out${unavailable ? ` (skipped: ${unavailable})` : ''}`,
    async () => {
      const { dir: source } = await trainedStore(1)
      const store = RunStore.open({ dbPath: join(source, 'workbench.db'), dataDir: source })
      store.db.pragma(`user_version = ${schemaVersion - 1}`)
      store.close()
      const mount = readOnlyMount(source)
      if (typeof mount === 'string') throw new Error(mount)
      cleanups.push(mount.cleanup)

      const list = captureIo(mount.dir)
      expect(await main(['runs', 'list', '--db', join(mount.dir, 'workbench.db')], list)).not.toBe(0)
      expect(list.err()).toMatch(
        /is from an older Chase Workbench and must be upgraded once where it can be written/,
      )
    },
    120_000,
  )
})
