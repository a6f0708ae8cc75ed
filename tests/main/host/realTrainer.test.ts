import { resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { applyOverrides } from '../../../src/shared/config/overrides'
import { getPreset } from '../../../src/shared/config/presets'
import { requireExperimentConfig } from '../../../src/shared/config/parseConfig'
import { trainerEntry } from '../../../src/main/headless/cliHost'
import { forkTrainerLauncher } from '../../../src/main/host/forkTrainerLauncher'
import { tempDataDir, testHost } from './hostHarness'

/** The committed Fashion-MNIST fixture (600 + 200 images): no test depends on data installed on the machine. */
const fashionMnistFixture = resolve(import.meta.dirname, '../../fixtures/data/fashion-mnist')

/** quick-fashion-mnist shrunk to seconds: a few hundred images, one epoch. */
function tinyConfig(trainLimit: number, extra: string[] = []) {
  const preset = getPreset('quick-fashion-mnist')!
  return requireExperimentConfig(
    applyOverrides({ ...structuredClone(preset.config), preset: preset.name }, [
      `data.path=${fashionMnistFixture}`,
      `data.trainLimit=${trainLimit}`,
      'data.testLimit=200',
      'optim.epochs=1',
      'optim.batchSize=50',
      ...extra,
    ]),
  )
}

describe('the real trainer (src/trainer/entry.ts)', () => {
  // A moved or renamed entry fails here instead of skipping the only real-trainer host test.
  it('finds the trainer entry the host starts', () => {
    expect(existsSync(trainerEntry)).toBe(true)
  })

  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  function setup() {
    const t = tempDataDir()
    const host = testHost(
      t.dir,
      {},
      { launcher: forkTrainerLauncher({ entry: trainerEntry }), stopGraceMs: 60_000 },
    )
    cleanups.push(t.cleanup, () => host.close(5_000))
    return host
  }

  it('trains quick-fashion-mnist (shrunk) to completion with a result, metrics and a backend', async () => {
    const host = setup()
    const run = host.supervisor.create({ config: tinyConfig(400) })
    const end = await host.supervisor.waitFor(run.id)
    expect(end.failure).toBeNull()
    expect(end.status).toBe('completed')
    expect(end.backend).not.toBeNull()
    expect(end.result?.final.testAccuracy).toBeGreaterThan(0)
    expect(host.store.series.metricKeys(run.id).length).toBeGreaterThan(0)
    expect(host.store.getDetail(run.id)!.versions[end.backend!]).toBeTruthy()
    expect(host.store.integrityCheck()).toBe('ok')
  })

  it('stops the real trainer at a step boundary with a checkpoint and resumes it to completion', async () => {
    const host = setup()
    const run = host.supervisor.create({ config: tinyConfig(1000, ['system.checkpointInterval=1000']) })
    await new Promise<void>((resolve) => {
      const client = host.hub.connect((event) => {
        if (event.type === 'runMessage' && event.message.type === 'progress' && event.message.step >= 3) {
          client.close()
          resolve()
        }
      })
      client.subscribedRuns.add(run.id)
    })
    host.supervisor.stop(run.id)
    const stopped = await host.supervisor.waitFor(run.id)
    expect(stopped.status).toBe('cancelled')
    expect(stopped.lastCheckpointStep).toBeGreaterThanOrEqual(3)
    host.supervisor.resume(run.id)
    const end = await host.supervisor.waitFor(run.id)
    expect(end.failure).toBeNull()
    expect(end.status).toBe('completed')
  })
})
