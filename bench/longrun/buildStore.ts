/**
 * Builds the store of issue #20 through the host's ingestion path: long VGG-19/CIFAR-100 runs (by default
 * the paper's 76,000 steps with 1 % snapshots, and one with a snapshot every 100 steps) plus 300 small runs.
 *
 *   npx tsx bench/longrun/buildStore.ts <folder> [--scale 0.1] [--small-runs 300]
 *
 * The folder gets `workbench.db`; open it with `chase-workbench serve --db <folder>/workbench.db`.
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createHost, type Host } from '../../src/main/host/host'
import { presetConfig } from '../../src/shared/config/presets'
import { paperShape, scaledShape, type RunShape } from './paperScaleRun'
import { scriptedLauncher, type ScriptedRun } from './scriptedTrainer'

export interface LongrunStoreOptions {
  readonly dir: string
  /** The long runs, in order (named `paper-1`, `paper-2`…). */
  readonly longRuns?: readonly RunShape[]
  readonly smallRuns?: number
  readonly onProgress?: (line: string) => void
}

export interface LongrunStore {
  readonly dbPath: string
  readonly longRunIds: string[]
  readonly smallRunIds: string[]
  readonly seconds: number
}

/** The long runs, shrunk in steps by `scale` (1 = the paper's). */
export function longRunShapes(scale: number): RunShape[] {
  const shape = scale === 1 ? paperShape : scaledShape(scale)
  return [shape, { ...shape, snapshotEverySteps: 100 }]
}

const smallShape = scaledShape(0.0125, { snapshotEverySteps: 95, seed: 7 })

/** Plays every run through a host on `<dir>/workbench.db`; resolves when all are completed. */
export async function buildLongrunStore(options: LongrunStoreOptions): Promise<LongrunStore> {
  const longRuns = options.longRuns ?? longRunShapes(1)
  const smallRuns = options.smallRuns ?? 300
  mkdirSync(options.dir, { recursive: true })
  const dbPath = join(options.dir, 'workbench.db')
  const scripts: ScriptedRun[] = [
    ...longRuns.map((shape) => ({ shape })),
    ...Array.from({ length: smallRuns }, (_, i) => ({ shape: { ...smallShape, seed: i + 1 } })),
  ]
  const started = performance.now()
  const host: Host = createHost({
    paths: { dbPath, dataDir: options.dir },
    launcher: scriptedLauncher((i) => scripts[i]!),
    shell: 'headless',
    concurrency: 8,
  })
  try {
    const config = presetConfig('paper-vgg19-cifar100')
    const longRunIds = longRuns.map(
      (shape, i) =>
        host.supervisor.create({
          config,
          name: `paper-${i + 1} (${shape.totalSteps} steps, snapshot every ${shape.snapshotEverySteps})`,
          experiment: 'longrun',
        }).id,
    )
    const smallRunIds = Array.from(
      { length: smallRuns },
      (_, i) =>
        host.supervisor.create({
          config: { ...config, system: { ...config.system, seed: i + 1 } },
          name: `small-${String(i + 1).padStart(3, '0')}`,
          experiment: 'longrun-small',
        }).id,
    )
    let done = 0
    await Promise.all(
      [...longRunIds, ...smallRunIds].map((id) =>
        host.supervisor.waitFor(id).then((run) => {
          if (run.status !== 'completed') throw new Error(`run ${id} ended ${run.status}`)
          if (++done % 50 === 0) options.onProgress?.(`${done} runs stored`)
        }),
      ),
    )
    return { dbPath, longRunIds, smallRunIds, seconds: (performance.now() - started) / 1000 }
  } finally {
    await host.close()
  }
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2)
  const dir = args[0]
  if (!dir || dir.startsWith('--')) {
    console.error('usage: npx tsx bench/longrun/buildStore.ts <folder> [--scale 0.1] [--small-runs 300]')
    process.exit(2)
  }
  const scale = Number(argValue(args, '--scale') ?? 1)
  const smallRuns = Number(argValue(args, '--small-runs') ?? 300)
  const store = await buildLongrunStore({
    dir: resolve(dir),
    longRuns: longRunShapes(scale),
    smallRuns,
    onProgress: (line) => console.log(line),
  })
  console.log(
    `built ${store.dbPath}: ${store.longRunIds.length} long runs (${store.longRunIds.join(', ')}) and ` +
      `${store.smallRunIds.length} small runs in ${store.seconds.toFixed(1)} s`,
  )
}
