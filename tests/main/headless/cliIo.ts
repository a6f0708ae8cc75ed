import { Writable } from 'node:stream'
import type { CommandIo } from '../../../src/main/headless/command'

/** A CommandIo that keeps what a command prints. */
export function captureIo(cwd: string, tty = false): CommandIo & { out: () => string; err: () => string } {
  let out = ''
  let err = ''
  const stdout = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString()
        done()
      },
    }),
    { isTTY: tty, columns: 120 },
  )
  const stderr = new Writable({
    write(chunk: Buffer, _enc, done) {
      err += chunk.toString()
      done()
    },
  })
  const env = { ...process.env }
  delete env.CHASE_WORKBENCH_DB
  return { stdout, stderr, env, cwd, out: () => out, err: () => err }
}
