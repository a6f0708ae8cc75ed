import { appendFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { appendExit, appendMessage, readSpool } from '../../../src/main/remote/spoolFile'

describe('the node-side spool', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))
  const spoolPath = () => {
    const dir = mkdtempSync(join(tmpdir(), 'chase-spool-'))
    dirs.push(dir)
    return join(dir, 'remote-spool-1.jsonl')
  }

  it('reads back every message in order, and the exit', () => {
    const path = spoolPath()
    appendMessage(path, { seq: 1, message: { type: 'ready', pid: 1, node: 'v20' } })
    appendMessage(path, { seq: 2, message: { type: 'heartbeat', step: 0, at: 5 } })
    appendExit(path, { code: 0, signal: null })
    const spool = readSpool(path)
    expect(spool.entries.map((e) => e.seq)).toEqual([1, 2])
    expect(spool.entries[1]!.message).toEqual({ type: 'heartbeat', step: 0, at: 5 })
    expect(spool.exit).toEqual({ code: 0, signal: null })
  })

  it('ignores a torn last line (the node died mid-write) and a missing file', () => {
    const path = spoolPath()
    appendMessage(path, { seq: 1, message: { type: 'ready', pid: 1, node: 'v20' } })
    appendFileSync(path, '{"seq":2,"mess')
    expect(readSpool(path).entries.map((e) => e.seq)).toEqual([1])
    expect(readSpool(`${path}.missing`)).toEqual({ entries: [], exit: undefined })
  })
})
