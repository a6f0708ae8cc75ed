import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { presetConfig } from '../../../src/shared/config/presets'
import { forkTrainerLauncher } from '../../../src/main/host/forkTrainerLauncher'
import { createHost, type Host, type HostOptions } from '../../../src/main/host/host'
import { MemoryLogger } from '../../../src/main/host/logger'
import type { ExperimentConfig } from '../../../src/shared/config/experimentConfig'

export const fixtureTrainerPath = resolve(import.meta.dirname, '../../fixtures/trainers/fixtureTrainer.ts')

export interface FixtureBehaviour {
  steps?: number
  stepMs?: number
  keys?: number
  checkpointEvery?: number
  snapshotEvery?: number
  crashAt?: number
  oomAt?: number
  failAt?: number
  hangOnStop?: boolean
  invalidAtStart?: number
  noReady?: boolean
  realCheckpoints?: boolean
  dieAfterCheckpointAt?: number
}

export function fixtureLauncher(behaviour: FixtureBehaviour = {}) {
  return forkTrainerLauncher({
    entry: fixtureTrainerPath,
    env: { FIXTURE_TRAINER: JSON.stringify(behaviour) },
  })
}

export function tempDataDir(): { dir: string; dbPath: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'chase-host-'))
  return {
    dir,
    dbPath: join(dir, 'workbench.db'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export function testHost(
  dir: string,
  behaviour: FixtureBehaviour = {},
  options: Partial<HostOptions> = {},
): Host & { logger: MemoryLogger } {
  const logger = new MemoryLogger()
  const host = createHost({
    paths: { dbPath: join(dir, 'workbench.db'), dataDir: dir },
    launcher: fixtureLauncher(behaviour),
    shell: 'headless',
    logger,
    stopGraceMs: 5_000,
    ...options,
  })
  return Object.assign(host, { logger })
}

export function quickConfig(): ExperimentConfig {
  return presetConfig('quick-fashion-mnist')
}
