import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { trainerEntry } from '../../src/main/headless/cliHost'
import { forkTrainerLauncher } from '../../src/main/host/forkTrainerLauncher'
import { createHost, type Host } from '../../src/main/host/host'
import { MemoryLogger } from '../../src/main/host/logger'
import type { RunDetail } from '../../src/shared/api/runRecords'
import { applyOverrides } from '../../src/shared/config/overrides'
import { requireExperimentConfig } from '../../src/shared/config/parseConfig'
import { getPreset } from '../../src/shared/config/presets'

export const fashionMnistFixture = resolve(import.meta.dirname, '../fixtures/data/fashion-mnist')

export interface ExportableRun {
  readonly host: Host
  readonly dir: string
  readonly run: RunDetail
  close(): Promise<void>
}

/**
 * A real, short Chase run for the export tests: quick-fashion-mnist on the committed fixture with the
 * official VGG-11 layout at width ×0.125 (so the safetensors check rebuilds a real VGG), channels
 * pruned within the one epoch, trained by the real trainer process through a real host and store.
 */
export async function trainExportableRun(extra: readonly string[] = []): Promise<ExportableRun> {
  const dir = mkdtempSync(join(tmpdir(), 'chase-export-'))
  const host = createHost({
    paths: { dbPath: join(dir, 'workbench.db'), dataDir: dir },
    launcher: forkTrainerLauncher({ entry: trainerEntry }),
    shell: 'headless',
    logger: new MemoryLogger(),
    stopGraceMs: 60_000,
  })
  const close = async () => {
    await host.close(5_000)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const preset = getPreset('quick-fashion-mnist')!
    const config = requireExperimentConfig(
      applyOverrides({ ...structuredClone(preset.config), preset: preset.name }, [
        `data.path=${fashionMnistFixture}`,
        'data.trainLimit=500',
        'data.testLimit=200',
        'model.arch=vgg11',
        'model.widthMultiplier=0.125',
        'optim.epochs=2',
        'optim.batchSize=50',
        'channels.interval=0.25 epochs',
        'system.logInterval=2',
        ...extra,
      ]),
    )
    const created = host.supervisor.create({ config })
    const end = await host.supervisor.waitFor(created.id)
    if (end.status !== 'completed')
      throw new Error(`the export test run ended ${end.status}: ${end.failure?.message ?? ''}`)
    return { host, dir, run: host.store.getDetail(created.id)!, close }
  } catch (error) {
    await close()
    throw error
  }
}
