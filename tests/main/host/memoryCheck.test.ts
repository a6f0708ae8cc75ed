import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../../src/shared/api/apiError'
import { presetConfig } from '../../../src/shared/config/presets'
import type { ExperimentConfig } from '../../../src/shared/config/experimentConfig'
import { quickConfig, tempDataDir, testHost } from './hostHarness'

const gib = 2 ** 30

function vgg19Wide(width: number): ExperimentConfig {
  const config = presetConfig('paper-vgg19-cifar100')
  return { ...config, model: { ...config.model, widthMultiplier: width } }
}

describe('memory check at start', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  function setup(memoryBytes: number) {
    const t = tempDataDir()
    const host = testHost(t.dir, { steps: 20 }, { memoryBytes })
    cleanups.push(t.cleanup, () => host.close(1000))
    return host
  }

  it('refuses VGG-19 ×4 on CIFAR-100 (320 M weights) on a 4 GiB machine, naming the estimate and the fix; nothing is stored', async () => {
    const host = setup(4 * gib)
    const context = { client: host.hub.connect(() => {}) }
    let error: unknown
    try {
      await host.api.call('runs.create', { config: vgg19Wide(4) }, context)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ApiError)
    const apiError = error as ApiError
    expect(apiError.code).toBe('invalid-request')
    expect(apiError.message).toMatch(/would not fit in memory/)
    expect(apiError.message).toMatch(
      /needs at least \d+\.\d GiB .*weights 1\.2 GiB.*more than this machine's 4\.0 GiB/,
    )
    expect(apiError.message).toMatch(/lower model\.widthMultiplier or optim\.batchSize/)
    expect(apiError.issues?.[0]?.path).toBe('model.widthMultiplier')
    expect(host.store.db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(0)
  })

  it('accepts the paper width on the same machine, and warns when a run takes more than half of it', async () => {
    const host = setup(4 * gib)
    const run = host.supervisor.create({ config: vgg19Wide(1) })
    expect(run.status).toBe('queued')
    host.supervisor.stop(run.id)
    await host.supervisor.waitFor(run.id)
    expect(host.logger.lines.filter((l) => l.level === 'warn')).toEqual([])

    const small = setup(1 * gib)
    small.supervisor.create({ config: vgg19Wide(1) })
    expect(
      small.logger.lines.some(
        (l) => l.level === 'warn' && /run needs about .* of this machine's 1\.0 GiB/.test(l.message),
      ),
    ).toBe(true)
  })

  it('a small config passes on this machine without a word', () => {
    const t = tempDataDir()
    const host = testHost(t.dir, { steps: 5 })
    cleanups.push(t.cleanup, () => host.close(1000))
    host.supervisor.create({ config: quickConfig() })
    expect(host.logger.lines.some((l) => /memory|needs about/.test(l.message))).toBe(false)
  })
})
