import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { forkTrainerLauncher } from '../../../src/main/host/forkTrainerLauncher'
import type { TrainerExit } from '../../../src/main/host/trainerLauncher'

describe.skipIf(process.platform === 'win32')('forkTrainerLauncher', () => {
  it('runs the trainer on the Node.js named by execPath, over the same IPC channel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fork-exec-path-'))
    const entry = join(dir, 'entry.mjs')
    writeFileSync(entry, "process.send({ type: 'hello', argv1: process.argv[1] }, () => process.exit(0))\n")
    // A "system Node.js" that leaves a mark, then is the real one (exec keeps the IPC descriptor).
    const marker = join(dir, 'used')
    const node = join(dir, 'node')
    writeFileSync(node, `#!/bin/sh\ntouch '${marker}'\nexec '${process.execPath}' "$@"\n`)
    chmodSync(node, 0o755)

    const child = forkTrainerLauncher({ entry, execPath: node }).launch({ serviceName: 'trainer-x' })
    const messages: unknown[] = []
    child.onMessage((message) => messages.push(message))
    const exit = await new Promise<TrainerExit>((resolve) => child.onExit(resolve))
    expect(exit).toMatchObject({ code: 0, signal: null })
    expect(existsSync(marker)).toBe(true)
    expect(messages).toEqual([{ type: 'hello', argv1: entry }])
  })

  it('reports a Node.js that is gone as a failed start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fork-exec-path-'))
    const entry = join(dir, 'entry.mjs')
    writeFileSync(entry, 'process.exit(0)\n')
    const child = forkTrainerLauncher({ entry, execPath: join(dir, 'uninstalled-node') }).launch({
      serviceName: 'trainer-y',
    })
    const exit = await new Promise<TrainerExit>((resolve) => child.onExit(resolve))
    expect(exit.reason).toBe('launch-failed')
    expect(exit.error).toMatch(/ENOENT/)
  })
})
