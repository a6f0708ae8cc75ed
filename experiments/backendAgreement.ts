/**
 * Does one backend train as another does? Issue 14's check ("test accuracy within 1 point of the wasm run
 * of the same seed and config"), over several seeds: the preset, shortened as the issue says, trained on
 * each backend with each seed through the CLI (`chase-workbench train`, a process per run); per seed the
 * test-accuracy gap, over seeds its mean with one-sided 95 % bounds (`src/shared/stats/pairedGap.ts`).
 * Runs go to one store and a completed run of the same config is reused, so a long series (a webgpu run
 * on SwiftShader takes half an hour) can be stopped and continued.
 *
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npx tsx experiments/backendAgreement.ts \
 *     --seeds 41,42,43,44,45 --db /tmp/agreement/workbench.db --out docs/measurements/webgpu-agreement.md
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/main/headless/configSource'
import { configHash } from '../src/main/host/configHash'
import { resolveDataPaths } from '../src/main/host/dataPaths'
import { RunStore } from '../src/main/host/runStore'
import { pairedGap, type SeedPair } from '../src/shared/stats/pairedGap'

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'quick-fashion-mnist' },
    set: { type: 'string', multiple: true },
    seeds: { type: 'string', default: '41,42,43' },
    backends: { type: 'string', default: 'wasm,webgpu' },
    tolerance: { type: 'string', default: '1' },
    db: { type: 'string' },
    out: { type: 'string' },
  },
})

// The shortening: a few thousand images, two epochs.
const sets = values.set ?? ['data.trainLimit=3000', 'data.testLimit=2000', 'optim.epochs=2']
const seeds = values.seeds!.split(',').map(Number)
if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s)))
  throw new Error('--seeds must be whole numbers, e.g. 41,42,43')
const [reference, candidate, ...extra] = values.backends!.split(',')
if (!reference || !candidate || extra.length > 0)
  throw new Error('--backends takes two: the reference, then the candidate (e.g. wasm,webgpu)')
const tolerance = Number(values.tolerance)
const db = resolve(values.db ?? join(mkdtempSync(join(tmpdir(), 'backend-agreement-')), 'workbench.db'))
const bin = resolve(dirname(new URL(import.meta.url).pathname), '../bin/chase-workbench')

const runSets = (backend: string, seed: number) => [
  ...sets,
  `system.backend=${backend}`,
  `system.seed=${seed}`,
]

/** Final test accuracy (percent) of a completed run of this config in the store, or null. */
function storedAccuracy(hash: string): number | null {
  const store = RunStore.open(resolveDataPaths({ db, env: {} }))
  try {
    const runs = store.listRuns({
      status: ['completed'],
      includeArchived: true,
      limit: 10_000,
      offset: 0,
    }).runs
    const run = runs.find((r) => r.configHash === hash && r.result !== null)
    const accuracy = run?.result?.final?.testAccuracy
    return typeof accuracy === 'number' ? 100 * accuracy : null
  } finally {
    store.close()
  }
}

function accuracyOf(backend: string, seed: number): number {
  const config = loadConfig({ preset: values.preset!, sets: runSets(backend, seed) })
  const hash = configHash(config)
  const stored = storedAccuracy(hash)
  if (stored !== null) {
    console.log(`${backend} seed ${seed}: ${stored.toFixed(2)} % (completed run in the store)`)
    return stored
  }
  console.log(`${backend} seed ${seed}: training ...`)
  const started = Date.now()
  const args = ['train', '--preset', values.preset!, ...runSets(backend, seed).flatMap((s) => ['--set', s])]
  const child = spawnSync(process.execPath, [bin, ...args, '--db', db, '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  })
  const accuracy = storedAccuracy(hash)
  if (child.status !== 0 || accuracy === null)
    throw new Error(`${backend} seed ${seed} did not complete (exit ${child.status}): ${child.stdout.trim()}`)
  console.log(`  ${accuracy.toFixed(2)} % in ${((Date.now() - started) / 60_000).toFixed(1)} min`)
  return accuracy
}

const pairs: SeedPair[] = seeds.map((seed) => ({
  seed,
  reference: accuracyOf(reference, seed),
  candidate: accuracyOf(candidate, seed),
}))
const summary = pairedGap(pairs, tolerance)
const points = (v: number | null) => (v === null ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(2)}`)

const lines = [
  `# ${candidate} against ${reference}: ${values.preset}, ${sets.join(', ')}`,
  '',
  `Store: ${db}. Test accuracy (%), final epoch; gap = ${candidate} − ${reference} in points.`,
  '',
  `| seed | ${reference} | ${candidate} | gap | within ±${tolerance} |`,
  '| --- | --- | --- | --- | --- |',
  ...pairs.map(
    (p, i) =>
      `| ${p.seed} | ${p.reference.toFixed(2)} | ${p.candidate.toFixed(2)} | ${points(summary.gaps[i]!)} | ` +
      `${Math.abs(summary.gaps[i]!) <= tolerance ? 'yes' : 'no'} |`,
  ),
  '',
  `- Seeds within ±${tolerance} point(s): ${summary.seedsWithin} of ${pairs.length}.`,
  `- Mean gap: ${points(summary.gap?.mean ?? null)} ± ${summary.gap?.std.toFixed(2) ?? '—'} points; ` +
    `one-sided 95 % bounds [${points(summary.lower)}, ${points(summary.upper)}].`,
  `- Verdict on the mean gap (two one-sided tests at 5 %): **${summary.verdict}** ±${tolerance}.`,
]
console.log(`\n${lines.join('\n')}`)
if (values.out) {
  writeFileSync(values.out, `${lines.join('\n')}\n`)
  console.log(`wrote ${values.out}`)
}
