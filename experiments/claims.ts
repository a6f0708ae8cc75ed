/**
 * The paper's claims, tested against controls over several seeds (issue 15 §5), on two models with
 * several sparse layers: cnn-small on Fashion-MNIST and the narrow VGG-19 (×0.25) on CIFAR-10.
 *   A. Biased reallocation under plain DST (Sc = 0): per layer, the share of channels whose density ends
 *      below t × their layer's density, against the share a random mask of that density gives (binomial).
 *   B. UMM against alternatives at equal Sc: channels chosen by UMM, at random, by mean magnitude of the
 *      alive weights (mm) and by channel density (connection); same seeds.
 *   C. Chase against DST at the same density and against dense: the gaps' mean and spread.
 *   D. (--table) the paper's table: every baseline row (SET, RigL, RigL-ITOP, MEST, Chase Sc variants, 1.5×).
 * Every run trains for real through runTraining, in this process. Results print and go to --out.
 *
 *   npx tsx experiments/claims.ts --setup fashion --seeds 41,42 --epochs 3 --train 4000 --table \
 *     --out docs/measurements/claims-fashion-mnist.md
 *   npx tsx experiments/claims.ts --setup cifar10 --data /work/shared/data/cifar-10-subset --seeds 41,42
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { configHash } from '../src/main/host/configHash'
import { computePlan } from '../src/shared/chase/plan'
import { paperTable, paperTableMarkdown, type PaperTableRun } from '../src/shared/chase/paperTable'
import type { ExperimentConfigInput } from '../src/shared/config/experimentConfig'
import { applyOverrides } from '../src/shared/config/overrides'
import { configForMethod, paperMethodTitles, type PaperMethod } from '../src/shared/config/paperMethods'
import { requireExperimentConfig } from '../src/shared/config/parseConfig'
import { getPreset } from '../src/shared/config/presets'
import { meanStd, type MeanStd } from '../src/shared/stats/meanStd'
import { lowerBound95, upperBound95 } from '../src/shared/stats/oneSidedT'
import type {
  ParentPort,
  RunResult,
  TrainerEvent,
  TrainerToHost,
} from '../src/shared/protocol/trainerMessages'
import { EventEmitter } from '../src/trainer/runtime/eventEmitter'
import { RunControl } from '../src/trainer/training/runControl'
import { runTraining } from '../src/trainer/training/runTraining'

const { values } = parseArgs({
  options: {
    setup: { type: 'string', default: 'fashion' },
    seeds: { type: 'string', default: '41,42' },
    epochs: { type: 'string' },
    train: { type: 'string' },
    test: { type: 'string' },
    data: { type: 'string' },
    backend: { type: 'string' },
    thresholds: { type: 'string', default: '0.5,0.7' },
    table: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
})

const bases: Record<string, string> = { fashion: 'quick-fashion-mnist', cifar10: 'quick-cifar10' }
const baseName = bases[values.setup!]
if (!baseName) throw new Error(`--setup must be one of ${Object.keys(bases).join(', ')}`)
const seeds = values.seeds!.split(',').map(Number)
if (seeds.some((s) => !Number.isInteger(s))) throw new Error('--seeds must be whole numbers, e.g. 41,42')
const thresholds = values.thresholds!.split(',').map(Number)
const scaleSets = [
  ...(values.epochs ? [`optim.epochs=${values.epochs}`] : []),
  ...(values.train ? [`data.trainLimit=${values.train}`] : []),
  ...(values.test ? [`data.testLimit=${values.test}`] : []),
  ...(values.data ? [`data.path=${values.data}`] : []),
  ...(values.backend ? [`system.backend=${values.backend}`] : []),
]
const scaledBase = applyOverrides(
  getPreset(baseName)!.config as Parameters<typeof applyOverrides>[0],
  scaleSets,
) as ExperimentConfigInput

interface Variant {
  readonly key: string
  readonly label: string
  readonly method: PaperMethod | null
  readonly sets: readonly string[]
}
const variant = (method: PaperMethod, sets: string[] = [], label?: string): Variant => ({
  key: label ?? method,
  label: label ?? paperMethodTitles[method],
  method: sets.length === 0 ? method : null,
  sets,
})
const claimVariants: Variant[] = [
  variant('dense'),
  variant('chase-sc0'),
  variant('chase'),
  variant('chase', ['channels.score=random'], 'Chase, channels chosen at random'),
  variant('chase', ['channels.score=mm'], 'Chase, channels by mean alive magnitude'),
  variant('chase', ['channels.score=connection'], 'Chase, channels by channel density'),
]
const tableVariants: Variant[] = values.table
  ? (
      [
        'set-layer',
        'set-global',
        'rigl-layer',
        'rigl-global',
        'rigl-itop',
        'mest',
        'chase-sc0.3',
        'chase-sc0.4',
        'chase-1.5x',
      ] as const
    ).map((m) => variant(m))
  : []

interface Outcome {
  readonly variant: Variant
  readonly seed: number
  readonly result: RunResult
  readonly lastSnapshot: TrainerEvent<'layerSnapshot'> | null
  readonly seconds: number
}

const log: string[] = []
const say = (line = '') => {
  console.log(line)
  log.push(line)
}

async function train(v: Variant, seed: number): Promise<Outcome> {
  const input = applyOverrides(configForMethod(scaledBase, v.method ?? 'chase') as never, [
    ...v.sets,
    `system.seed=${seed}`,
    `preset=${v.method && v.method !== 'chase' ? `${baseName}--${v.method}` : baseName}`,
  ])
  const config = requireExperimentConfig(input)
  let result: RunResult | null = null
  let failure: string | null = null
  let lastSnapshot: TrainerEvent<'layerSnapshot'> | null = null
  const port: ParentPort = {
    postMessage: (m: TrainerToHost) => {
      if (m.type === 'done') result = m.result
      if (m.type === 'failed') failure = JSON.stringify(m)
      if (m.type === 'layerSnapshot') lastSnapshot = m
    },
    onMessage() {},
  }
  const started = performance.now()
  await runTraining(
    {
      runId: `${v.key}-${seed}`,
      config,
      configHash: configHash(config),
      runDir: mkdtempSync(join(tmpdir(), 'claims-')),
    },
    new EventEmitter(port),
    new RunControl(),
  )
  if (!result) throw new Error(`${v.label} seed ${seed} did not finish: ${failure ?? 'no result'}`)
  const seconds = (performance.now() - started) / 1000
  const r = result as RunResult
  say(
    `  ${v.label.padEnd(42)} seed ${seed}: test ${pct(r.best.testAccuracy)} %, density ${r.density.toFixed(4)}, ` +
      `Sc ${r.channelSparsity.toFixed(3)}, GPU-FLOPs ${r.flops.gpuSupportedRatio.toFixed(3)}× (${seconds.toFixed(0)} s)`,
  )
  return { variant: v, seed, result: r, lastSnapshot, seconds }
}

const pct = (x: number) => (100 * x).toFixed(2)
const pm = (s: MeanStd | null, scale = 100, digits = 2) =>
  s ? `${(s.mean * scale).toFixed(digits)} ± ${(s.std * scale).toFixed(digits)}` : '—'

/** P(X < t·p·n) for X ~ Binomial(n, p): the share of channels of a random mask below the threshold. */
function binomialShareBelow(n: number, p: number, t: number): number {
  if (p <= 0) return 0
  if (p >= 1) return 0
  const limit = Math.ceil(t * p * n) - 1
  let logPmf = n * Math.log1p(-p)
  let total = 0
  for (let k = 0; k <= limit && k <= n; k++) {
    total += Math.exp(logPmf)
    logPmf += Math.log(n - k) - Math.log(k + 1) + Math.log(p) - Math.log1p(-p)
  }
  return Math.min(1, total)
}

say(`# Claims experiment: ${baseName}, seeds ${seeds.join(', ')}`)
say()
say(`Command: npx tsx experiments/claims.ts ${process.argv.slice(2).join(' ')}`)
say(`Date: ${new Date().toISOString()}; scale overrides: ${scaleSets.join(' ') || 'none (the preset as is)'}`)
say()
const outcomes: Outcome[] = []
for (const seed of seeds)
  for (const v of [...claimVariants, ...tableVariants]) outcomes.push(await train(v, seed))
const of = (key: string) => outcomes.filter((o) => o.variant.key === key)

// A. Biased reallocation.
const plan = computePlan(requireExperimentConfig(configForMethod(scaledBase, 'chase-sc0')))
if (!plan.ok) throw new Error('the Sc = 0 config cannot be planned')
const fanInOf = new Map(
  plan.plan.channelGroups.map((g) => {
    const producer = plan.plan.layers.find((l) => l.name === g.producer)!
    return [g.name, producer.weights / producer.channels]
  }),
)
say()
say('## A. Biased reallocation under plain DST (Sc = 0)')
say()
say('Share of channels whose density ends below t × their layer’s density, per layer, mean ± std over seeds,')
say('against a random mask of the same layer density (binomial expectation, per seed then averaged).')
say()
say(
  `| layer | fan-in | layer density | ${thresholds.map((t) => `t=${t} observed % | t=${t} random mask %`).join(' | ')} |`,
)
say(`|---|---|---|${thresholds.map(() => '---|---').join('|')}|`)
const dst = of('chase-sc0')
const reallocation: { layer: string; t: number; shown: boolean }[] = []
for (const [i, group] of (dst[0]?.lastSnapshot?.layers ?? []).entries()) {
  const n = fanInOf.get(group.group)!
  const layerDensity: number[] = []
  const cells = thresholds.map((t) => {
    const observed: number[] = []
    const expected: number[] = []
    for (const o of dst) {
      const layer = o.lastSnapshot!.layers[i]!
      const alive = layer.density.filter((_, c) => layer.alive[c] === 1)
      const mean = alive.reduce((a, b) => a + b, 0) / alive.length
      if (t === thresholds[0]) layerDensity.push(mean)
      observed.push(alive.filter((d) => d < t * mean).length / alive.length)
      expected.push(binomialShareBelow(n, mean, t))
    }
    const excess = lowerBound95(meanStd(observed.map((x, s) => x - expected[s]!)))
    reallocation.push({ layer: group.group, t, shown: excess !== null && excess > 0 })
    return `${pm(meanStd(observed), 100, 1)} | ${pm(meanStd(expected), 100, 1)}`
  })
  say(`| ${group.group} | ${n} | ${pm(meanStd(layerDensity), 1, 3)} | ${cells.join(' | ')} |`)
}

say()
for (const t of thresholds) {
  const layers = reallocation.filter((r) => r.t === t)
  const shown = layers.filter((r) => r.shown).map((r) => r.layer)
  say(
    `Verdict A, t=${t}: more channels below t × the layer density than a random mask gives, at 95 % over seeds ` +
      `(one-sided paired t), in ${shown.length} of ${layers.length} layers${shown.length ? `: ${shown.join(', ')}` : ''}.`,
  )
}

// B. Channel scores at equal Sc.
say()
say('## B. Channel choice at equal Sc (same seeds, same budget)')
say()
say('| channels chosen by | test accuracy % (mean ± std) | per seed | GPU-supported FLOPs |')
say('|---|---|---|---|')
for (const key of [
  'chase',
  'Chase, channels chosen at random',
  'Chase, channels by mean alive magnitude',
  'Chase, channels by channel density',
]) {
  const runs = of(key)
  say(
    `| ${key === 'chase' ? 'UMM (Chase)' : key.replace('Chase, channels ', '')} | ${pm(meanStd(runs.map((o) => o.result.best.testAccuracy)))} | ` +
      `${runs.map((o) => pct(o.result.best.testAccuracy)).join(', ')} | ${pm(meanStd(runs.map((o) => o.result.flops.gpuSupportedRatio)), 1, 3)}× |`,
  )
}
const umm = of('chase').map((o) => o.result.best.testAccuracy)
for (const key of [
  'Chase, channels chosen at random',
  'Chase, channels by mean alive magnitude',
  'Chase, channels by channel density',
]) {
  const diffs = meanStd(of(key).map((o, i) => umm[i]! - o.result.best.testAccuracy))
  const low = lowerBound95(diffs)
  say(
    `UMM − ${key.replace('Chase, channels ', '')}: ${pm(diffs)} points (paired by seed); ` +
      `verdict B: UMM ahead ${low !== null && low > 0 ? 'SHOWN' : 'not shown'} (95 % lower bound ${low === null ? '—' : (100 * low).toFixed(2)} points)`,
  )
}

// C. Chase against DST and dense.
say()
say('## C. Chase (Sc = 0.5) against DST (Sc = 0) at the same density, and against dense')
say()
const paired = (a: string, b: string) =>
  meanStd(of(a).map((o, i) => o.result.best.testAccuracy - of(b)[i]!.result.best.testAccuracy))
say(
  `DST − Chase: ${pm(paired('chase-sc0', 'chase'))} points; dense − Chase: ${pm(paired('dense', 'chase'))} points; dense − DST: ${pm(paired('dense', 'chase-sc0'))} points (paired by seed)`,
)
// The paper's claim: at the same density, Chase with Sc = 0.5 loses no accuracy against DST (a point at most).
const dstOverChase = upperBound95(paired('chase-sc0', 'chase'))
say(
  `Verdict C: Chase at most 1 point below DST ${dstOverChase !== null && dstOverChase <= 0.01 ? 'SHOWN' : 'not shown'} ` +
    `(95 % upper bound on DST − Chase: ${dstOverChase === null ? '—' : (100 * dstOverChase).toFixed(2)} points)`,
)
const range = computePlan(requireExperimentConfig(scaledBase))
if (range.ok) {
  const [low, high] = range.plan.gpuSupportedRatioRange
  const measured = of('chase').map((o) => o.result.flops.gpuSupportedRatio)
  say(
    `GPU-supported FLOPs: plan range ${low.toFixed(3)}–${high.toFixed(3)}×, measured ${measured.map((m) => m.toFixed(3)).join(', ')}× ` +
      `(${measured.every((m) => m >= low - 1e-9 && m <= high + 1e-9) ? 'inside' : 'OUTSIDE'} the range)`,
  )
}

// D. The paper's table.
say()
say('## The paper table (rows at this scale)')
say()
const tableRuns: PaperTableRun[] = outcomes.map((o) => ({
  group: o.variant.label,
  method: o.variant.method,
  accuracy: o.result.best.testAccuracy,
  trainingFlopsRatio: o.result.trainingFlopsRatio,
  testFlopsRatio: o.result.flops.theoreticalRatio,
  gpuSupportedFlopsRatio: o.result.flops.gpuSupportedRatio,
}))
say(paperTableMarkdown(paperTable(tableRuns)).trimEnd())
say()
say(
  `Total training time ${(outcomes.reduce((s, o) => s + o.seconds, 0) / 60).toFixed(1)} min for ${outcomes.length} runs.`,
)

if (values.out) {
  writeFileSync(values.out, `${log.join('\n')}\n`)
  // Every run's result and last per-channel snapshot, for analyses this script does not print.
  writeFileSync(
    values.out.replace(/\.md$/, '') + '.runs.json',
    JSON.stringify(
      outcomes.map((o) => ({
        variant: o.variant.key,
        seed: o.seed,
        seconds: o.seconds,
        result: o.result,
        lastSnapshot: o.lastSnapshot,
      })),
    ),
  )
}
