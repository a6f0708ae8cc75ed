import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { expect, it } from 'vitest'

const bin = resolve(import.meta.dirname, '../../bin/chase-workbench')

it('ends quietly when the reader closes the pipe early (`presets | head -1`)', async () => {
  const child = spawn(process.execPath, [bin, 'presets'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  let lines = 0
  // Close the pipe after the first chunk, as `head -1` does: the rest of the writes hit EPIPE.
  child.stdout.once('data', () => {
    lines++
    child.stdout.destroy()
  })
  const code = await new Promise<number | null>((done) => child.once('exit', done))
  expect(lines).toBe(1)
  expect(stderr).not.toMatch(/EPIPE|Unhandled|Error/)
  expect(code).toBe(0)
}, 30_000)
