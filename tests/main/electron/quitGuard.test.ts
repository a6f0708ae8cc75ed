import { describe, expect, it } from 'vitest'
import { guardQuitWhileTraining, stopAndQuitButton } from '../../../src/main/electron/quitGuard'
import { createFakeElectron } from './fakeElectron'

function setUp(response: number, activeRuns: number) {
  const fake = createFakeElectron({ messageBoxResponse: response })
  const window = new fake.electron.BrowserWindow({})
  let release: () => void = () => {}
  let stopCalls = 0
  let quits = 0
  const guard = guardQuitWhileTraining({
    window: window as never,
    dialog: fake.electron.dialog as never,
    activeRunCount: () => activeRuns,
    stopTrainers: () => {
      stopCalls++
      return new Promise<void>((done) => (release = done))
    },
    quit: () => quits++,
  })
  return { fake, window, guard, release: () => release(), counts: () => ({ stopCalls, quits }) }
}

const settle = () => new Promise((done) => setTimeout(done, 0))

describe('closing the window while runs train', () => {
  it('asks first and keeps training when the user says so', async () => {
    const { fake, window, counts } = setUp(1, 2)
    expect(window.close()).toBe(false)
    await settle()
    expect(fake.messageBoxes).toEqual([
      expect.objectContaining({ type: 'question', message: '2 runs are still training.', cancelId: 1 }),
    ])
    expect(counts()).toEqual({ stopCalls: 0, quits: 0 })
    expect(window.destroyed).toBe(false)
  })

  it('shows that checkpoints are being written and keeps the window until the trainers stopped', async () => {
    const { fake, window, release, counts } = setUp(stopAndQuitButton, 1)
    expect(window.close()).toBe(false)
    await settle()
    expect(fake.messageBoxes).toEqual([expect.objectContaining({ message: '1 run is still training.' })])
    expect(counts().stopCalls).toBe(1)
    expect(window.title).toMatch(/writing checkpoints/)
    expect(window.progress).toBe(2)
    // A second close while stopping neither closes nor asks again.
    expect(window.close()).toBe(false)
    await settle()
    expect(fake.messageBoxes).toHaveLength(1)
    expect(window.destroyed).toBe(false)
    release()
    await settle()
    expect(window.destroyed).toBe(true)
    expect(counts()).toEqual({ stopCalls: 1, quits: 1 })
  })

  it('routes the app’s own quit through the same question', async () => {
    const { fake, guard, counts } = setUp(1, 3)
    expect(guard.requestQuit()).toBe(false)
    await settle()
    expect(fake.messageBoxes).toHaveLength(1)
    expect(counts().quits).toBe(0)
  })

  it('lets the window close and the app quit when nothing trains', () => {
    const { fake, window, guard } = setUp(1, 0)
    expect(window.close()).toBe(true)
    expect(guard.requestQuit()).toBe(true)
    expect(fake.messageBoxes).toHaveLength(0)
  })
})
