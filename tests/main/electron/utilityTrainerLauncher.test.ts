import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { TrainerExit } from '../../../src/main/host/trainerLauncher'
import { utilityTrainerLauncher } from '../../../src/main/electron/utilityTrainerLauncher'

/** Electron's UtilityProcess as the launcher sees it: events, pid after spawn, kill, postMessage. */
class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined
  readonly stderr = new EventEmitter()
  readonly stdout = null
  killed = 0
  posted: unknown[] = []
  kill() {
    this.killed++
    return this.pid !== undefined
  }
  postMessage(message: unknown) {
    this.posted.push(message)
  }
  spawn(pid: number) {
    this.pid = pid
    this.emit('spawn')
  }
}

function setUp(exitAfterKillMs = 5000) {
  const app = new EventEmitter()
  const children: FakeUtilityProcess[] = []
  const forks: unknown[] = []
  const launcher = utilityTrainerLauncher(
    app as never,
    (modulePath, args, options) => {
      forks.push({ modulePath, args, options })
      const child = new FakeUtilityProcess()
      children.push(child)
      return child as never
    },
    '/out/main/trainer.js',
    { exitAfterKillMs },
  )
  return { app, children, forks, launcher }
}

const exitOf = (process: { onExit(listener: (exit: TrainerExit) => void): void }) =>
  new Promise<TrainerExit>((done) => process.onExit(done))

describe('the utility-process trainer launcher', () => {
  it('ignores stdout, pipes stderr, and reports the pid only once the process has spawned', () => {
    const { children, forks, launcher } = setUp()
    const trainer = launcher.launch({ serviceName: 'trainer-r1' })
    expect(forks[0]).toMatchObject({
      options: { serviceName: 'trainer-r1', stdio: ['ignore', 'ignore', 'pipe'] },
    })
    const pids: number[] = []
    trainer.onSpawn!((pid) => pids.push(pid))
    expect(trainer.pid).toBeUndefined()
    children[0]!.spawn(4242)
    expect(trainer.pid).toBe(4242)
    expect(pids).toEqual([4242])
    const late: number[] = []
    trainer.onSpawn!((pid) => late.push(pid))
    expect(late).toEqual([4242])
  })

  it('turns a fatal error into a crash with its location instead of an exception in main', async () => {
    const { children, launcher } = setUp()
    const trainer = launcher.launch({ serviceName: 'trainer-r2' })
    children[0]!.spawn(7)
    children[0]!.stderr.emit('data', Buffer.from('FATAL ERROR: heap limit\n'))
    // An EventEmitter throws on an 'error' nobody listens to: this would throw if the launcher did not.
    expect(() => children[0]!.emit('error', 'FatalError', 'v8::internal::Heap', '{}')).not.toThrow()
    expect(children[0]!.killed).toBe(1)
    const exit = exitOf(trainer)
    children[0]!.emit('exit', 134)
    expect(await exit).toMatchObject({
      code: 134,
      reason: 'crashed',
      error: 'the trainer hit a FatalError at v8::internal::Heap',
      stderrTail: 'FATAL ERROR: heap limit\n',
    })
  })

  it('kills a process killed before it spawned as soon as it spawns, and still reports its exit', async () => {
    const { children, launcher } = setUp(60_000)
    const trainer = launcher.launch({ serviceName: 'trainer-r3' })
    trainer.kill()
    expect(children[0]!.killed).toBe(0)
    const exit = exitOf(trainer)
    children[0]!.spawn(9)
    expect(children[0]!.killed).toBe(1)
    children[0]!.emit('exit', null)
    expect(await exit).toMatchObject({ reason: 'killed' })
  })

  it('bounds the wait after kill: a process that never spawns or never exits still ends', async () => {
    const { launcher } = setUp(20)
    const trainer = launcher.launch({ serviceName: 'trainer-r4' })
    const exits: TrainerExit[] = []
    trainer.onExit((exit) => exits.push(exit))
    trainer.kill()
    trainer.kill()
    const exit = await exitOf(trainer)
    expect(exit).toMatchObject({ code: null, reason: 'killed', error: 'did not exit after kill' })
    expect(exits).toHaveLength(1)
  })

  it('reports exactly one exit, with the reason Electron gave', async () => {
    const { app, children, launcher } = setUp()
    const trainer = launcher.launch({ serviceName: 'trainer-r5' })
    children[0]!.spawn(11)
    const exits: TrainerExit[] = []
    trainer.onExit((exit) => exits.push(exit))
    app.emit('child-process-gone', {}, { type: 'Utility', name: 'trainer-r5', reason: 'oom' })
    children[0]!.emit('exit', 1)
    children[0]!.emit('exit', 1)
    await new Promise((done) => setTimeout(done, 10))
    expect(exits).toEqual([expect.objectContaining({ code: 1, reason: 'oom' })])
    expect(trainer.send({ type: 'pause' })).toBe(false)
  })

  it('reports a fork that throws as a launch failure', async () => {
    const app = new EventEmitter()
    const launcher = utilityTrainerLauncher(
      app as never,
      () => {
        throw new Error('no such file')
      },
      '/missing/trainer.js',
    )
    const exit = await exitOf(launcher.launch({ serviceName: 'trainer-r6' }))
    expect(exit).toMatchObject({ reason: 'launch-failed', error: expect.stringContaining('no such file') })
  })
})
