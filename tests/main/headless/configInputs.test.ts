import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/headless/configSource'
import { ApiError } from '../../../src/shared/api/apiError'
import { presetConfig } from '../../../src/shared/config/presets'
import { quickConfig, tempDataDir, testHost } from '../host/hostHarness'

describe('config input at the boundaries (issue #12)', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('reads a config file saved with a UTF-8 byte-order mark', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chase-bom-'))
    const path = join(dir, 'run.json')
    writeFileSync(path, `\uFEFF${JSON.stringify(presetConfig('quick-fashion-mnist'))}`)
    expect(loadConfig({ configFile: path }).model.arch).toBe(presetConfig('quick-fashion-mnist').model.arch)
  })

  it('refuses --set paths into the prototype chain and leaves Object.prototype alone', () => {
    for (const set of [
      '__proto__.polluted=1',
      'model.__proto__.polluted=1',
      'constructor.prototype.polluted=1',
    ])
      expect(() => loadConfig({ preset: 'quick-fashion-mnist', sets: [set] }), set).toThrow(
        /is not a setting name/,
      )
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('names the limit when a number is out of range, not "must be a number"', () => {
    expect(() => loadConfig({ preset: 'quick-fashion-mnist', sets: ['optim.epochs=1e9'] })).toThrow(
      /optim\.epochs must be at most 10000/,
    )
    expect(() => loadConfig({ preset: 'quick-fashion-mnist', sets: ['optim.epochs="many"'] })).toThrow(
      /optim\.epochs must be a number/,
    )
  })

  it('refuses an unknown model.arch with the config, before any trainer starts', async () => {
    expect(() => loadConfig({ preset: 'quick-fashion-mnist', sets: ['model.arch=vgg91'] })).toThrow(
      /model\.arch: unknown model "vgg91": pick one of/,
    )
    const t = tempDataDir()
    const host = testHost(t.dir)
    cleanups.push(t.cleanup, () => host.close(1000))
    const config = { ...quickConfig(), model: { ...quickConfig().model, arch: 'vgg91' } }
    await expect(
      host.api.call('runs.create', { config }, { client: host.hub.connect(() => {}) }),
    ).rejects.toThrow(/unknown model "vgg91"/)
    expect(host.store.listRuns({ limit: 10, offset: 0 } as never).total).toBe(0)
  })

  it('runs.create names unknown top-level keys instead of ignoring them', async () => {
    const t = tempDataDir()
    const host = testHost(t.dir)
    cleanups.push(t.cleanup, () => host.close(1000))
    const error = await host.api
      .call('runs.create', { config: quickConfig(), tag: ['oops'] }, { client: host.hub.connect(() => {}) })
      .then(
        () => null,
        (e: unknown) => e as ApiError,
      )
    expect(error).toBeInstanceOf(ApiError)
    expect(JSON.stringify(error!.toBody())).toMatch(/tag/)
    expect(host.store.listRuns({ limit: 10, offset: 0 } as never).total).toBe(0)
  })
})
