import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { isProcessAlive } from '../../../src/main/host/staleRunSweep'
import { startServeProcess } from '../../support/serveProcess'
import { quickConfig, tempDataDir } from './hostHarness'

interface Reply {
  ok: boolean
  result?: { status?: string; lastCheckpointStep?: number | null; pid?: number | null }
  error?: { message: string }
}

async function apiClient(port: number) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/api`)
  await new Promise((r, reject) => {
    socket.once('open', r)
    socket.once('error', reject)
  })
  const waiting = new Map<number, (frame: Reply) => void>()
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Reply & { type: string; id: number }
    if (frame.type === 'response') waiting.get(frame.id)?.(frame)
  })
  let next = 0
  const call = (method: string, params: unknown) =>
    new Promise<Reply>((resolveCall) => {
      const id = ++next
      waiting.set(id, resolveCall)
      socket.send(JSON.stringify({ type: 'request', id, method, params }))
    })
  return { call, close: () => socket.close() }
}

const until = async (check: () => Promise<boolean>, timeoutMs: number, what: string) => {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return Date.now() - start
}

describe('a dead peer on the same database', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('the surviving serve marks the run interrupted within seconds, then resumes and stops it', async () => {
    const t = tempDataDir()
    cleanups.push(t.cleanup)
    const trainer = { steps: 100_000, stepMs: 5, checkpointEvery: 40 }
    const owner = await startServeProcess(t.dir, {}, trainer)
    cleanups.push(() => owner.stop())
    const peer = await startServeProcess(t.dir, {}, trainer)
    cleanups.push(() => peer.stop())
    const ownerApi = await apiClient(owner.port)
    const peerApi = await apiClient(peer.port)
    cleanups.push(ownerApi.close, peerApi.close)

    const created = await ownerApi.call('runs.create', { config: quickConfig() })
    expect(created.ok).toBe(true)
    const runId = (created.result as { id: string }).id
    const get = async () => (await peerApi.call('runs.get', { runId })).result!
    await until(async () => ((await get()).lastCheckpointStep ?? 0) >= 40, 60_000, 'a checkpoint')
    const trainerPid = (await get()).pid!
    expect((await get()).status).toBe('running')
    expect((await peerApi.call('runs.stop', { runId })).error?.message).toMatch(/another workbench process/)

    owner.child.kill('SIGKILL')
    await new Promise((r) => owner.child.once('exit', r))
    const waitedMs = await until(async () => (await get()).status === 'interrupted', 15_000, 'interrupted')
    expect(waitedMs).toBeLessThan(15_000)
    // The orphaned trainer notices its host is gone and exits on its own.
    await until(async () => !isProcessAlive(trainerPid), 15_000, 'the orphan trainer to exit')

    const resumed = await peerApi.call('runs.resume', { runId })
    expect(resumed.error?.message).toBeUndefined()
    await until(async () => (await get()).status === 'running', 60_000, 'the resumed run to start')
    expect((await peerApi.call('runs.stop', { runId })).ok).toBe(true)
    await until(async () => (await get()).status === 'cancelled', 60_000, 'the run to stop')
    expect((await peerApi.call('runs.delete', { runId, confirm: true })).ok).toBe(true)
  }, 240_000)
})
