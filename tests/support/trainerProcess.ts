import { fork, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import type { ExperimentConfigInput } from '../../src/shared/config/experimentConfig'
import { ExperimentConfig } from '../../src/shared/config/experimentConfig'
import type { TrainerToHost } from '../../src/shared/protocol/trainerMessages'
import { configHash } from '../../src/main/host/configHash'

const entry = resolve(import.meta.dirname, '../../src/trainer/entry.ts')
export const fixtures = resolve(import.meta.dirname, '../fixtures/data')

/** A tiny but real Fashion-MNIST run on the committed fixtures (600 train / 200 test images). */
export function tinyConfig(overrides: ExperimentConfigInput = {}): ExperimentConfig {
  return ExperimentConfig.parse({
    model: { arch: 'cnn-small' },
    data: { dataset: 'fashion-mnist', path: resolve(fixtures, 'fashion-mnist'), validationSplit: 0.1 },
    optim: { epochs: 2, batchSize: 50 },
    sparsity: { updateInterval: '0.25 epochs' },
    channels: { interval: '0.5 epochs' },
    system: { backend: 'wasm', logInterval: 4 },
    ...overrides,
  })
}

export interface TrainerRun {
  readonly child: ChildProcess
  readonly messages: TrainerToHost[]
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Resolves with the first message matching `predicate`. */
  waitFor(predicate: (m: TrainerToHost) => boolean): Promise<TrainerToHost>
}

/** Forks the real trainer entry (through tsx) and starts a run. */
export function startTrainer(runDir: string, config: ExperimentConfig, resumeFrom?: string): TrainerRun {
  const child = fork(entry, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: 'pipe' })
  const messages: TrainerToHost[] = []
  const waiters: { predicate: (m: TrainerToHost) => boolean; resolve: (m: TrainerToHost) => void }[] = []
  child.on('message', (raw) => {
    const message = raw as TrainerToHost
    messages.push(message)
    if (message.type === 'ready') {
      child.send({
        type: 'start',
        runId: 'test-run',
        runDir,
        config,
        configHash: configHash(config),
        ...(resumeFrom ? { resumeFrom } : {}),
      })
    }
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(message)
      }
    }
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  )
  return {
    child,
    messages,
    exited,
    waitFor: (predicate) =>
      new Promise((resolveMessage, reject) => {
        const found = messages.find(predicate)
        if (found) return resolveMessage(found)
        waiters.push({ predicate, resolve: resolveMessage })
        void exited.then(({ code, signal }) =>
          reject(new Error(`trainer exited (${code ?? signal}) before the awaited message`)),
        )
      }),
  }
}
