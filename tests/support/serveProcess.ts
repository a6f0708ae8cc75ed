import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { connect } from 'node:net'
import { resolve } from 'node:path'

const fixture = resolve(import.meta.dirname, '../fixtures/servers/fixtureServe.ts')

export interface ServeProcess {
  readonly child: ChildProcess
  readonly port: number
  /** True while the server process has not exited. */
  alive(): boolean
  stop(): Promise<void>
}

/** Starts the real server in a child process (tests/fixtures/servers/fixtureServe.ts) on a free port. */
export async function startServeProcess(
  dataDir: string,
  options: { requireToken?: boolean; token?: string } = {},
  trainer: Record<string, unknown> = {},
): Promise<ServeProcess> {
  const tsx = createRequire(import.meta.url).resolve('tsx')
  const child = spawn(process.execPath, ['--import', tsx, fixture, dataDir], {
    env: { ...process.env, FIXTURE_SERVE: JSON.stringify(options), FIXTURE_TRAINER: JSON.stringify(trainer) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let exited = false
  child.once('exit', () => (exited = true))
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const port = await new Promise<number>((resolvePort, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /serving (\d+)/.exec(chunk.toString())
      if (match) resolvePort(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before serving: ${stderr}`)))
  })
  return {
    child,
    port,
    alive: () => !exited,
    stop: async () => {
      if (exited) return
      const gone = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await gone
      clearTimeout(timer)
    },
  }
}

/** Sends raw bytes on a fresh loopback socket and collects whatever comes back until close or timeout. */
export function rawExchange(port: number, bytes: string | Buffer, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolveReply) => {
    const socket = connect(port, '127.0.0.1')
    let reply = ''
    const finish = () => {
      clearTimeout(timer)
      socket.destroy()
      resolveReply(reply)
    }
    const timer = setTimeout(finish, timeoutMs)
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1')
    })
    socket.on('error', finish)
    socket.on('close', finish)
    socket.write(bytes)
  })
}
