import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { RunStore } from '../../../src/main/host/runStore'
import { quickConfig, testHost } from './hostHarness'

/** A small tmpfs of its own (root only, as here and in CI); the reason it cannot be had, otherwise. */
function smallDisk(
  sizeMiB: number,
): { dir: string; resize: (mib: number) => void; cleanup: () => void } | string {
  const dir = mkdtempSync(join(tmpdir(), 'chase-full-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir], { stdio: 'pipe' })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    return `cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]}): needs root`
  }
  return {
    dir,
    resize: (mib) => execFileSync('mount', ['-o', `remount,size=${mib}m`, dir]),
    cleanup: () => {
      execFileSync('umount', ['-l', dir])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const probe = smallDisk(1)
const unavailable = typeof probe === 'string' ? probe : null
if (typeof probe !== 'string') probe.cleanup()

describe('disk full while a run trains', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it.skipIf(unavailable !== null)(
    `ends the run failed with "disk full", and every control works once space is back${unavailable ? ` (skipped: ${unavailable})` : ''}`,
    async () => {
      const disk = smallDisk(4)
      if (typeof disk === 'string') throw new Error(disk)
      cleanups.push(disk.cleanup)
      const host = testHost(disk.dir, { steps: 1_000_000, stepMs: 1, keys: 40, checkpointEvery: 100_000 })
      cleanups.push(() => host.close(5_000))
      const run = host.supervisor.create({ config: quickConfig() })

      const end = await host.supervisor.waitFor(run.id)
      expect(end.status).toBe('failed')
      expect(end.failure?.reason).toBe('disk-full')
      expect(end.failure?.message).toMatch(/disk is full/)
      // The space reserve let the host write that end into the database itself.
      const reader = RunStore.open(
        { dbPath: join(disk.dir, 'workbench.db'), dataDir: disk.dir },
        { readonly: true },
      )
      expect(reader.getSummary(run.id)?.status).toBe('failed')
      reader.close()

      disk.resize(64)
      // Each control works again, without a restart: resume, pause, resume, stop, delete.
      host.supervisor.resume(run.id)
      const until = async (status: string) => {
        for (let i = 0; i < 600 && host.store.getSummary(run.id)?.status !== status; i++)
          await new Promise((r) => setTimeout(r, 50))
        expect(host.store.getSummary(run.id)?.status).toBe(status)
      }
      await until('running')
      host.supervisor.pause(run.id)
      await until('paused')
      host.supervisor.resume(run.id)
      await until('running')
      host.supervisor.stop(run.id)
      expect((await host.supervisor.waitFor(run.id)).status).toBe('cancelled')
      host.supervisor.delete(run.id)
      expect(host.store.getSummary(run.id)).toBeUndefined()
    },
    180_000,
  )
})
