/**
 * The paper's claims at laptop scale, on real Fashion-MNIST (preset quick-fashion-mnist):
 *   1. Chase (d = 0.1, Sc = 0.5) lands within 2 points of the same network trained dense;
 *   2. the channels it removes are the low-UMM ones;
 *   3. with Sc = 0 (plain unstructured DST) the per-channel density spread inside layers widens.
 * Run: `npx tsx experiments/chaseVsDense.ts [--epochs N] [--train N] [--seed N] [--backend B]` (needs
 * Fashion-MNIST, see README). One seed per run: the gap moves by about half a point between seeds.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { configHash } from '../src/main/host/configHash'
import { applyOverrides } from '../src/shared/config/overrides'
import { getPreset } from '../src/shared/config/presets'
import { requireExperimentConfig } from '../src/shared/config/parseConfig'
import type { ParentPort, TrainerToHost, TrainerEvent } from '../src/shared/protocol/trainerMessages'
import { EventEmitter } from '../src/trainer/runtime/eventEmitter'
import { RunControl } from '../src/trainer/training/runControl'
import { runTraining } from '../src/trainer/training/runTraining'

const { values } = parseArgs({
  options: {
    epochs: { type: 'string' },
    train: { type: 'string' },
    backend: { type: 'string' },
    seed: { type: 'string' },
  },
})

async function train(label: string, sets: string[]): Promise<TrainerToHost[]> {
  const base = { ...getPreset('quick-fashion-mnist')!.config, preset: 'quick-fashion-mnist' }
  const extra = [
    ...(values.epochs ? [`optim.epochs=${values.epochs}`] : []),
    ...(values.train ? [`data.trainLimit=${values.train}`] : []),
    ...(values.backend ? [`system.backend=${values.backend}`] : []),
    ...(values.seed ? [`system.seed=${values.seed}`] : []),
  ]
  const config = requireExperimentConfig(applyOverrides(base, [...sets, ...extra]))
  const messages: TrainerToHost[] = []
  const port: ParentPort = { postMessage: (m) => void messages.push(m), onMessage() {} }
  const started = performance.now()
  await runTraining(
    {
      runId: label,
      config,
      configHash: configHash(config),
      runDir: mkdtempSync(join(tmpdir(), `exp-${label}-`)),
    },
    new EventEmitter(port),
    new RunControl(),
  )
  const done = messages.find((m): m is TrainerEvent<'done'> => m.type === 'done')!
  console.log(
    `${label.padEnd(18)} test acc best ${pct(done.result.best.testAccuracy)} final ${pct(done.result.final.testAccuracy)} ` +
      `slimmed+BN ${pct(done.result.recalibratedTestAccuracy ?? done.result.slimmedTestAccuracy)}  density ${done.result.density.toFixed(4)} ` +
      `channel sparsity ${done.result.channelSparsity.toFixed(3)}  GPU-FLOPs ${done.result.flops.gpuSupportedRatio.toFixed(3)}× ` +
      `(${((performance.now() - started) / 1000).toFixed(0)} s)`,
  )
  return messages
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`
const snapshots = (messages: TrainerToHost[]) =>
  messages.filter((m): m is TrainerEvent<'layerSnapshot'> => m.type === 'layerSnapshot')
const resultOf = (messages: TrainerToHost[]) =>
  messages.find((m): m is TrainerEvent<'done'> => m.type === 'done')!.result

/** Percentile rank (0 = lowest) of each removed channel's UMM among the channels alive just before the event. */
function removalRanks(messages: TrainerToHost[]): number[] {
  const ranks: number[] = []
  let before: TrainerEvent<'layerSnapshot'> | undefined
  for (const m of messages) {
    if (m.type === 'layerSnapshot') {
      const removedNow =
        before &&
        m.layers.some((l, i) => l.alive.some((a, c) => a === 0 && before!.layers[i]!.alive[c] === 1))
      if (removedNow && before) {
        const pool = before.layers
          .flatMap((l) => l.umm.filter((_, c) => l.alive[c] === 1))
          .sort((a, b) => a - b)
        for (const [i, layer] of m.layers.entries()) {
          layer.alive.forEach((a, c) => {
            if (a === 0 && before!.layers[i]!.alive[c] === 1) {
              const score = before!.layers[i]!.umm[c]!
              ranks.push(pool.filter((u) => u < score).length / pool.length)
            }
          })
        }
      }
      before = m
    }
  }
  return ranks
}

function densitySpread(
  snapshot: TrainerEvent<'layerSnapshot'>,
): { group: string; std: number; mean: number }[] {
  return snapshot.layers.map((l) => {
    const alive = l.density.filter((_, c) => l.alive[c] === 1)
    const mean = alive.reduce((s, x) => s + x, 0) / alive.length
    const std = Math.sqrt(alive.reduce((s, x) => s + (x - mean) ** 2, 0) / alive.length)
    return { group: l.group, std, mean }
  })
}

console.log('Training three runs of quick-fashion-mnist on this machine…')
const dense = await train('dense', ['sparsity.enabled=false', 'channels.enabled=false'])
const chase = await train('chase (Sc=0.5)', [])
const dst = await train('DST (Sc=0)', ['channels.enabled=false'])

const gap = resultOf(dense).best.testAccuracy - resultOf(chase).best.testAccuracy
console.log(
  `\n1. dense − Chase best test accuracy: ${(100 * gap).toFixed(2)} points (target ≤ 2): ${gap <= 0.02 ? 'PASS' : 'FAIL'}`,
)

const ranks = removalRanks(chase)
const meanRank = ranks.reduce((s, r) => s + r, 0) / Math.max(1, ranks.length)
const lowHalf = ranks.filter((r) => r < 0.5).length / Math.max(1, ranks.length)
console.log(
  `2. ${ranks.length} channels removed; mean UMM percentile among alive channels before removal ${(100 * meanRank).toFixed(1)} %, ` +
    `${(100 * lowHalf).toFixed(1)} % of them from the lower half: ${lowHalf >= 0.9 ? 'PASS' : 'FAIL'}`,
)

const dstSnapshots = snapshots(dst)
const first = densitySpread(dstSnapshots[0]!)
const last = densitySpread(dstSnapshots[dstSnapshots.length - 1]!)
console.log("3. Sc = 0: per-channel density spread (std across a layer's channels), start → end of training")
let widened = 0
for (const [i, layer] of first.entries()) {
  const end = last[i]!
  if (end.std > layer.std) widened++
  console.log(
    `   ${layer.group.padEnd(10)} mean ${layer.mean.toFixed(3)} std ${layer.std.toFixed(4)} → mean ${end.mean.toFixed(3)} std ${end.std.toFixed(4)} (×${(end.std / layer.std).toFixed(2)})`,
  )
}
console.log(
  `   widened in ${widened} of ${first.length} layers: ${widened === first.length ? 'PASS' : 'FAIL'}`,
)
