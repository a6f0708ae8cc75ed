import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { RunStore } from '../../../src/main/host/runStore'
import { startServeProcess } from '../../support/serveProcess'
import { tempDataDir } from './hostHarness'

const fixtureHost = resolve(import.meta.dirname, '../../fixtures/trainers/fixtureHost.ts')

/** A training host in its own process (tests/fixtures/trainers/fixtureHost.ts): its run id and its end. */
function startTrainingProcess(dataDir: string, trainer: Record<string, unknown>) {
  const tsx = createRequire(import.meta.url).resolve('tsx')
  const child = spawn(process.execPath, ['--import', tsx, fixtureHost, dataDir], {
    env: { ...process.env, FIXTURE_TRAINER: JSON.stringify(trainer) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const runId = new Promise<string>((resolveId, reject) => {
    child.stdout.on('data', () => {
      const match = /run (\S+)/.exec(out)
      if (match) resolveId(match[1]!)
    })
    child.once('exit', () => reject(new Error(`the training host exited early: ${err}`)))
  })
  const exit = new Promise<{ code: number | null; out: string; err: string }>((resolveExit) =>
    child.once('exit', (code) => resolveExit({ code, out, err })),
  )
  return { child, runId, exit }
}

async function apiClient(port: number) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/api`)
  await new Promise((r, reject) => {
    socket.once('open', r)
    socket.once('error', reject)
  })
  const waiting = new Map<number, (frame: { ok: boolean; error?: { message: string } }) => void>()
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; id: number; ok: boolean }
    if (frame.type === 'response') waiting.get(frame.id)?.(frame)
  })
  let next = 0
  const call = (method: string, params: unknown) =>
    new Promise<{ ok: boolean; error?: { message: string } }>((resolveCall) => {
      const id = ++next
      waiting.set(id, resolveCall)
      socket.send(JSON.stringify({ type: 'request', id, method, params }))
    })
  return { call, close: () => socket.close() }
}

describe('two processes writing one database', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('a burst of UI writes from a second serve never stops a training in the first process', async () => {
    const t = tempDataDir()
    cleanups.push(t.cleanup)
    const ui = await startServeProcess(t.dir)
    cleanups.push(() => ui.stop())
    const training = startTrainingProcess(t.dir, { steps: 1500, stepMs: 3, checkpointEvery: 50, keys: 4 })
    cleanups.push(() => void training.child.kill('SIGKILL'))
    const runId = await training.runId

    const client = await apiClient(ui.port)
    cleanups.push(() => client.close())
    const failures: string[] = []
    let writes = 0
    let ended = false
    void training.exit.then(() => (ended = true))
    // Notes, tags and archive flags as fast as the UI can send them, for as long as the run trains.
    while (!ended || writes < 200) {
      const reply = await [
        () => client.call('runs.note', { runId, notes: `note ${writes}` }),
        () => client.call('runs.tag', { runId, add: [`t${writes % 5}`], remove: [`t${(writes + 2) % 5}`] }),
        () => client.call('runs.archive', { runId, archived: writes % 2 === 0 }),
      ][writes % 3]!()
      if (!reply.ok) failures.push(reply.error?.message ?? 'failed')
      writes++
      if (writes > 5_000) break
    }
    const exit = await training.exit
    expect(failures).toEqual([])
    expect(writes).toBeGreaterThanOrEqual(200)
    expect(exit.out).toContain('ended completed')
    expect(exit.code).toBe(0)

    const store = RunStore.open({ dbPath: join(t.dir, 'workbench.db'), dataDir: t.dir }, { readonly: true })
    cleanups.push(() => store.close())
    expect(store.getSummary(runId)?.status).toBe('completed')
    const steps = store.series.metrics(runId, { keys: ['train/m0'] })[0]?.steps ?? []
    expect(steps).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1))
  }, 180_000)
})
