import { describe, expect, it } from 'vitest'
import type {
  TrainerExit,
  TrainerLauncher,
  TrainerLaunchOptions,
} from '../../../src/main/host/trainerLauncher'
import { routedTrainerLauncher } from '../../../src/main/electron/routedTrainerLauncher'
import type { SystemNode } from '../../../src/main/electron/systemNode'

/** A launcher that records what it was asked to start and starts nothing. */
function recordingLauncher(name: string, log: string[]): TrainerLauncher {
  return {
    launch(options: TrainerLaunchOptions) {
      log.push(`${name}:${options.serviceName}`)
      return { pid: 7, send: () => true, onMessage: () => {}, onExit: () => {}, kill: () => {} }
    },
  }
}

function setUp(node: SystemNode) {
  const log: string[] = []
  const nodePaths: string[] = []
  const launcher = routedTrainerLauncher({
    utility: recordingLauncher('utility', log),
    systemNode: (nodePath) => {
      nodePaths.push(nodePath)
      return recordingLauncher('node', log)
    },
    node,
  })
  return { launcher, log, nodePaths }
}

describe('the desktop trainer launcher', () => {
  it('forks webgpu trainers on the found Node.js and the rest as utility processes', () => {
    const { launcher, log, nodePaths } = setUp({
      found: true,
      path: '/opt/node/bin/node',
      version: 'v24.11.1',
    })
    launcher.launch({ serviceName: 'trainer-a', backend: 'webgpu' })
    launcher.launch({ serviceName: 'trainer-b', backend: 'wasm' })
    launcher.launch({ serviceName: 'bench-c', backend: 'auto' })
    launcher.launch({ serviceName: 'trainer-d', backend: 'webgpu' })
    expect(log).toEqual(['node:trainer-a', 'utility:trainer-b', 'utility:bench-c', 'node:trainer-d'])
    expect(nodePaths).toEqual(['/opt/node/bin/node'])
  })

  it('reports a webgpu trainer as failed to start, with the reason, when there is no Node.js', async () => {
    const { launcher, log } = setUp({ found: false, reason: 'No Node.js 22.12.0 or newer was found' })
    const child = launcher.launch({ serviceName: 'trainer-a', backend: 'webgpu' })
    const exit = await new Promise<TrainerExit>((resolve) => child.onExit(resolve))
    expect(exit).toMatchObject({ reason: 'launch-failed', code: null, signal: null })
    expect(exit.error).toContain('No Node.js 22.12.0 or newer was found')
    expect(child.send({ type: 'pause' })).toBe(false)
    expect(log).toEqual([])
  })
})
