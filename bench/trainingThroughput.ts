/**
 * Training throughput of the trainer's real step code against PyTorch, Chase's step cost against dense,
 * and memory over 1,000 steps, in one run:
 *
 *   npx tsx bench/trainingThroughput.ts [--threads N] [--repeats 5] [--block 4] [--vgg vgg19|vgg11]
 *                                       [--memory-steps 1000] [--update-every 100] [--channel-every 400]
 *
 * 1. images/s of `TrainStep` + `Sgd` + `SparseEngine.onStep` (dense config) on the wasm backend against
 *    PyTorch (Debian python3-torch, bench/torch_reference.py) training the same spec's nodes with the same
 *    batch, SGD (momentum 0.9, weight decay 5e-4) and cross-entropy at `torch.set_num_threads(n)`, n =
 *    the wasm backend's threads. Target: ours ≥ 0.3× PyTorch. Cases: cnn-small 28×28×1 b100 and a narrow
 *    VGG (×0.25) 32×32×3 b100 (the quick-cifar10 preset's network).
 * 2. The amortised Chase step (d = 0.1, Sc = 0.5: masks re-applied every step, prune-and-grow every ΔTp,
 *    a channel event every ΔT) against the dense step (sparsity and channels off), same backend.
 *    Chase step = median ordinary step + (extra engine time of an update)/ΔTp + (extra engine time of a
 *    channel event)/ΔT, the extras measured on real update (soft-bound and classic) and event steps, timed
 *    one by one; the engine's step counter jumps over the stretches between them (an ordinary onStep only
 *    re-applies the masks, which is idempotent). Dense and Chase ordinary steps alternate one by one; the
 *    verdict uses the median of their paired ratios.
 *    Target: ≤ 1.10× dense.
 * 3. 1,000 Chase steps of a small case: tf.memory().numTensors before and after must be equal (fails
 *    loudly otherwise); peak tensor bytes (tf.profile on every 50th step), RSS and the wasm heap.
 *
 * Inputs are fixed synthetic batches (data loading is benched elsewhere). Timings are per step, taken in
 * repeated blocks that interleave ours (dense and Chase) and PyTorch so all see the same machine load;
 * medians over all steps, and the spread of the per-repeat ratios. When wasm runs more than one thread,
 * PyTorch on one thread is timed too, as context (on a loaded machine OpenMP threads suffer most).
 * Prints a table with PASS/FAIL and writes bench-results/trainingThroughput.json. Exit 1 on any FAIL.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { initBackend } from '../src/trainer/backend/pickBackend'
import { cpuShareOfOthers, sampleCpu } from './training/cpuShare'
import { maxRssBytes, memoryCheck, wasmHeapBytes, type MemoryResult } from './training/memoryCheck'
import { median, quantile } from './training/stats'
import { TorchReference, type TorchInfo } from './training/torchReference'
import {
  benchConfig,
  caseLabel,
  TrainerSubject,
  type BenchCase,
  type ChaseCadence,
  type StepTiming,
} from './training/trainerSubject'

const { values } = parseArgs({
  options: {
    threads: { type: 'string' },
    repeats: { type: 'string', default: '5' },
    block: { type: 'string', default: '4' },
    vgg: { type: 'string', default: 'vgg19' },
    'memory-steps': { type: 'string', default: '1000' },
    'update-every': { type: 'string', default: '100' },
    'channel-every': { type: 'string', default: '400' },
  },
})
const repeats = Number(values.repeats)
const block = Number(values.block)
const warmupSteps = 3
/** Above this share of the cores used by other processes, timings are flagged as contended. */
const busyShare = 0.15
const targets = { torchRatio: 0.3, chaseRatio: 1.1 }
/** The timed Chase run: 20 epochs of 100 steps, so T_d = T_c = step 1625 (0.8125 of the run). */
const cadence: ChaseCadence = {
  updateEvery: Number(values['update-every']),
  channelEvery: Number(values['channel-every']),
  stepsPerEpoch: 100,
  epochs: 20,
}
const cases: BenchCase[] = [
  { arch: 'cnn-small', input: [28, 28, 1], classes: 10, widthMultiplier: 1, batch: 100 },
  { arch: values.vgg, input: [32, 32, 3], classes: 10, widthMultiplier: 0.25, batch: 100 },
]
/** The 1,000-step memory check: small enough for about a minute, with updates and channel events. */
const memoryCase: BenchCase = {
  arch: 'cnn-small',
  input: [28, 28, 1],
  classes: 10,
  widthMultiplier: 0.5,
  batch: 16,
}
const memoryCadence: ChaseCadence = { updateEvery: 100, channelEvery: 200, stepsPerEpoch: 100, epochs: 10 }

interface HeavyStep {
  readonly step: number
  readonly kind: 'soft-bound' | 'classic' | 'channel-event'
  readonly timing: StepTiming
}

interface CaseResult {
  readonly label: string
  readonly case: BenchCase
  readonly parameters: number
  readonly loadBefore: readonly number[]
  readonly loadAfter: readonly number[]
  /** Share of the cores other processes used while the interleaved blocks ran (null off Linux). */
  readonly othersCpuShare: number | null
  readonly dense: readonly StepTiming[]
  readonly chase: readonly StepTiming[]
  readonly heavy: readonly HeavyStep[]
  readonly torch: {
    readonly info: TorchInfo
    readonly ms: readonly number[]
    readonly blockMedians: number[]
  }
  readonly torchSingle: { readonly info: TorchInfo; readonly ms: readonly number[] } | null
  readonly denseBlockMedians: number[]
  readonly chaseBlockMedians: number[]
}

const root = resolve(import.meta.dirname, '..')
const loadAtStart = loadavg()
log(`load average ${fmtLoad(loadAtStart)} on ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})`)
const backend = await initBackend('wasm', values.threads ? { threads: Number(values.threads) } : {})
const idleCpu = sampleCpu([])
await new Promise((done) => setTimeout(done, 2000))
const othersAtStart = cpuShareOfOthers(idleCpu, sampleCpu([]))
log(`other processes keep ${fmtShare(othersAtStart)} of the cores busy (2 s sample)`)
if (othersAtStart !== null && othersAtStart > busyShare)
  log("  WARNING: the machine is busy: contended threads skew every ratio (PyTorch's OpenMP threads most)")
log(`backend ${backend.name} ${backend.version}: ${backend.threads} thread(s), simd ${backend.simd}`)
for (const note of backend.skipped) log(`  note: ${note}`)

log(`\n[3] memory: ${values['memory-steps']} steps of ${caseLabel(memoryCase)}, Chase on`)
const memoryCpu = sampleCpu([])
const memory = await memoryCheck(memoryCase, memoryCadence, Number(values['memory-steps']))
const memoryOthersCpuShare = cpuShareOfOthers(memoryCpu, sampleCpu([]))
printMemory(memory)
log(`  other processes used ${fmtShare(memoryOthersCpuShare)} of the cores meanwhile`)

const results: CaseResult[] = []
for (const c of cases) results.push(await benchCase(c))
const loadAtEnd = loadavg()
process.exitCode = report(results, memory) ? 0 : 1
// tfjs-wasm's pthread workers keep the event loop alive; leave explicitly.
process.exit()

async function benchCase(c: BenchCase): Promise<CaseResult> {
  const label = caseLabel(c)
  const loadBefore = loadavg()
  log(`\n[1, 2] ${label}: load ${fmtLoad(loadBefore)}`)
  const dense = TrainerSubject.create(c, benchConfig(c, 'dense', cadence), cadence)
  const chase = TrainerSubject.create(c, benchConfig(c, 'chase', cadence), cadence)
  const parameters = countParameters(dense)
  const torch = await TorchReference.start(dense.spec, {
    batch: c.batch,
    threads: backend.threads,
    warmup: warmupSteps,
  })
  const torchSingle =
    backend.threads > 1
      ? await TorchReference.start(dense.spec, { batch: c.batch, threads: 1, warmup: warmupSteps })
      : null
  log(
    `  PyTorch ${torch.info.torch}, ${torch.info.threads} thread(s), ${torch.info.parameters} parameters (ours ${parameters})`,
  )

  for (let s = 1; s <= warmupSteps; s++) {
    await dense.step(s)
    await chase.step(s)
  }

  // Real update and event steps, in order: the soft-bound updates around the first two channel events,
  // then the first two classic updates after T_d.
  const plan = chase.engine.plan
  const events = plan.channelEvents.map((e) => e.step)
  const heavySteps = new Map<number, HeavyStep['kind']>()
  const lastEarly = (events[1] ?? events[0] ?? 4 * cadence.updateEvery) + cadence.updateEvery
  for (const e of events.filter((s) => s <= lastEarly)) heavySteps.set(e, 'channel-event')
  for (let s = cadence.updateEvery; s <= lastEarly; s += cadence.updateEvery) heavySteps.set(s, 'soft-bound')
  const classicFrom = Math.ceil(plan.timing.softBoundEndStep / cadence.updateEvery) * cadence.updateEvery
  for (let s = classicFrom, n = 0; n < 2 && s <= plan.totalSteps; s += cadence.updateEvery, n++)
    heavySteps.set(s, 'classic')
  const heavy: HeavyStep[] = []
  for (const [step, kind] of [...heavySteps].sort((a, b) => a[0] - b[0])) {
    const timing = await chase.step(step)
    const fired = kind === 'channel-event' ? timing.channelEvent : timing.maskUpdate
    if (!fired) throw new Error(`step ${step} was expected to be a ${kind} step, the engine did nothing`)
    heavy.push({ step, kind, timing })
    log(
      `  chase ${kind} step ${step}: ${timing.totalMs.toFixed(0)} ms (engine ${timing.engineMs.toFixed(0)} ms)`,
    )
  }

  // Ordinary steps after the last timed update: numbers that trigger nothing.
  let chaseStep = Math.max(...heavySteps.keys())
  let denseStep = warmupSteps
  const eventSet = new Set(events)
  const nextOrdinary = (): number => {
    do chaseStep++
    while (chaseStep % cadence.updateEvery === 0 || eventSet.has(chaseStep))
    return chaseStep
  }
  const denseTimes: StepTiming[] = []
  const chaseTimes: StepTiming[] = []
  const torchMs: number[] = []
  const torchSingleMs: number[] = []
  const denseBlockMedians: number[] = []
  const chaseBlockMedians: number[] = []
  const torchBlockMedians: number[] = []
  const runners: (() => Promise<void>)[] = [
    async () => {
      // Dense and Chase steps alternate one by one (who goes first alternates too), so load drift hits both.
      const denseBlock: StepTiming[] = []
      const chaseBlock: StepTiming[] = []
      for (let i = 0; i < block; i++) {
        const pair = [
          async () => denseBlock.push(await dense.step(++denseStep)),
          async () => chaseBlock.push(await chase.step(nextOrdinary())),
        ]
        if (i % 2 === 1) pair.reverse()
        for (const run of pair) await run()
      }
      if (chaseBlock.some((t) => t.maskUpdate || t.channelEvent))
        throw new Error('an ordinary Chase step ran an update')
      denseTimes.push(...denseBlock)
      chaseTimes.push(...chaseBlock)
      denseBlockMedians.push(median(denseBlock.map((t) => t.totalMs)))
      chaseBlockMedians.push(median(chaseBlock.map((t) => t.totalMs)))
    },
    async () => {
      const times = await torch.time(block)
      torchMs.push(...times)
      torchBlockMedians.push(median(times))
    },
    async () => {
      if (torchSingle) torchSingleMs.push(...(await torchSingle.time(block)))
    },
  ]
  const children = [torch.pid, ...(torchSingle ? [torchSingle.pid] : [])]
  const cpuStart = sampleCpu(children)
  for (let r = 0; r < repeats; r++) {
    // Rotate the order so no side always runs first after the other's cache-trashing block.
    for (let i = 0; i < runners.length; i++) await runners[(i + r) % runners.length]!()
    log(
      `  repeat ${r + 1}/${repeats}: dense ${denseBlockMedians.at(-1)!.toFixed(0)} ms, chase ` +
        `${chaseBlockMedians.at(-1)!.toFixed(0)} ms, torch ${torchBlockMedians.at(-1)!.toFixed(0)} ms/step`,
    )
  }
  const othersCpuShare = cpuShareOfOthers(cpuStart, sampleCpu(children))
  const result: CaseResult = {
    label,
    othersCpuShare,
    case: c,
    parameters,
    loadBefore,
    loadAfter: loadavg(),
    dense: denseTimes,
    chase: chaseTimes,
    heavy,
    torch: { info: torch.info, ms: torchMs, blockMedians: torchBlockMedians },
    torchSingle: torchSingle ? { info: torchSingle.info, ms: torchSingleMs } : null,
    denseBlockMedians,
    chaseBlockMedians,
  }
  await torch.close()
  await torchSingle?.close()
  dense.dispose()
  chase.dispose()
  return result
}

function countParameters(subject: TrainerSubject): number {
  let total = 0
  for (const node of subject.spec.nodes) {
    if (node.kind === 'conv2d')
      total +=
        node.kernelSize[0] * node.kernelSize[1] * node.inChannels * node.outChannels +
        (node.useBias ? node.outChannels : 0)
    else if (node.kind === 'dense')
      total += node.inFeatures * node.outFeatures + (node.useBias ? node.outFeatures : 0)
    else if (node.kind === 'batchnorm') total += 2 * node.channels
  }
  return total
}

interface Derived {
  readonly denseMs: number
  readonly chaseOrdinaryMs: number
  readonly softBoundMs: number
  readonly classicMs: number
  readonly updateMs: number
  readonly eventMs: number
  /** Engine time an update or channel event adds over an ordinary step's. */
  readonly updateExtraMs: number
  readonly eventExtraMs: number
  readonly chaseMs: number
  readonly torchMs: number
  readonly torchSingleMs: number | null
  readonly oursImagesPerSecond: number
  readonly chaseImagesPerSecond: number
  readonly torchImagesPerSecond: number
  readonly torchRatio: number
  /** Spread of the per-repeat ratios (block medians): min and max. */
  readonly torchRatioRange: readonly [number, number]
  readonly torchSingleRatio: number | null
  /** Median of chase/dense over adjacent step pairs, plus the amortised update and event cost: the verdict. */
  readonly chaseRatio: number
  /** Amortised Chase step over the median dense step (ratio of medians; drifts with the load). */
  readonly chaseRatioOfMedians: number
  /** 1 + the engine's own extra time per step (ordinary, amortised updates and events) over the dense step. */
  readonly chaseEngineOverheadRatio: number
  readonly chaseOrdinaryRatioRange: readonly [number, number]
}

function derive(r: CaseResult): Derived {
  const total = (list: readonly { timing: StepTiming }[]) => list.map((h) => h.timing.totalMs)
  const denseMs = median(r.dense.map((t) => t.totalMs))
  const chaseOrdinaryMs = median(r.chase.map((t) => t.totalMs))
  const softBound = r.heavy.filter((h) => h.kind === 'soft-bound')
  const classic = r.heavy.filter((h) => h.kind === 'classic')
  const updateMs = median(total([...softBound, ...classic]))
  const eventMs = median(total(r.heavy.filter((h) => h.kind === 'channel-event')))
  // An update or event step trains like any other; what it adds is the engine's extra work.
  const engineOrdinaryMs = median(r.chase.map((t) => t.engineMs))
  const engineOf = (list: readonly HeavyStep[]) => median(list.map((h) => h.timing.engineMs))
  const extra = (ms: number) => (Number.isNaN(ms) ? 0 : Math.max(0, ms - engineOrdinaryMs))
  const updateExtraMs = extra(engineOf([...softBound, ...classic]))
  const eventExtraMs = extra(engineOf(r.heavy.filter((h) => h.kind === 'channel-event')))
  const amortisedMs = updateExtraMs / cadence.updateEvery + eventExtraMs / cadence.channelEvery
  const chaseMs = chaseOrdinaryMs + amortisedMs
  const torchMs = median(r.torch.ms)
  const torchSingleMs = r.torchSingle ? median(r.torchSingle.ms) : null
  const ips = (ms: number) => (r.case.batch * 1000) / ms
  const ratios = r.denseBlockMedians.map((ms, i) => r.torch.blockMedians[i]! / ms)
  const chaseRatios = r.chaseBlockMedians.map((ms, i) => ms / r.denseBlockMedians[i]!)
  return {
    denseMs,
    chaseOrdinaryMs,
    softBoundMs: median(total(softBound)),
    classicMs: median(total(classic)),
    updateMs,
    eventMs,
    updateExtraMs,
    eventExtraMs,
    chaseMs,
    torchMs,
    torchSingleMs,
    oursImagesPerSecond: ips(denseMs),
    chaseImagesPerSecond: ips(chaseMs),
    torchImagesPerSecond: ips(torchMs),
    torchRatio: torchMs / denseMs,
    torchRatioRange: [Math.min(...ratios), Math.max(...ratios)],
    torchSingleRatio: torchSingleMs === null ? null : torchSingleMs / denseMs,
    chaseRatio: median(r.chase.map((t, i) => t.totalMs / r.dense[i]!.totalMs)) + amortisedMs / denseMs,
    chaseRatioOfMedians: chaseMs / denseMs,
    chaseEngineOverheadRatio:
      1 + (engineOrdinaryMs - median(r.dense.map((t) => t.engineMs)) + amortisedMs) / denseMs,
    chaseOrdinaryRatioRange: [Math.min(...chaseRatios), Math.max(...chaseRatios)],
  }
}

/** Prints the details and the verdict table, writes the JSON; true when everything passed. */
function report(list: readonly CaseResult[], mem: MemoryResult): boolean {
  const rows: string[][] = []
  const verdicts: boolean[] = []
  const casesJson = list.map((r) => {
    const d = derive(r)
    const parts = (ts: readonly StepTiming[]) => ({
      train: median(ts.map((t) => t.trainMs)),
      sgd: median(ts.map((t) => t.sgdMs)),
      engine: median(ts.map((t) => t.engineMs)),
    })
    const denseParts = parts(r.dense)
    const chaseParts = parts(r.chase)
    log(
      `\n${r.label} (${r.parameters.toLocaleString('en')} parameters), load ${fmtLoad(r.loadBefore)} → ${fmtLoad(r.loadAfter)}, ` +
        `other processes used ${fmtShare(r.othersCpuShare)} of the cores during the timed blocks`,
    )
    log(
      `  ours dense   ${fmtMs(d.denseMs)}/step  ${fmtIps(d.oursImagesPerSecond)}  ` +
        `(train ${fmtMs(denseParts.train)}, sgd ${fmtMs(denseParts.sgd)}, engine ${fmtMs(denseParts.engine)}; ` +
        `p25–p75 ${fmtMs(
          quantile(
            r.dense.map((t) => t.totalMs),
            0.25,
          ),
        )}–${fmtMs(
          quantile(
            r.dense.map((t) => t.totalMs),
            0.75,
          ),
        )})`,
    )
    log(
      `  ours Chase   ${fmtMs(d.chaseOrdinaryMs)}/ordinary step (train ${fmtMs(chaseParts.train)}, sgd ` +
        `${fmtMs(chaseParts.sgd)}, engine ${fmtMs(chaseParts.engine)}); update ${fmtMs(d.softBoundMs)} soft-bound, ` +
        `${fmtMs(d.classicMs)} classic (engine +${fmtMs(d.updateExtraMs)}); channel event ${fmtMs(d.eventMs)} ` +
        `(engine +${fmtMs(d.eventExtraMs)})`,
    )
    log(
      `               amortised (ΔTp ${cadence.updateEvery}, ΔT ${cadence.channelEvery}) ${fmtMs(d.chaseMs)}/step  ` +
        `${fmtIps(d.chaseImagesPerSecond)}`,
    )
    log(
      `  Chase/dense  ${fmtRatio(d.chaseRatio)} paired steps (ratio of medians ${fmtRatio(d.chaseRatioOfMedians)}, ` +
        `per repeat ${fmtRatio(d.chaseOrdinaryRatioRange[0])}–${fmtRatio(d.chaseOrdinaryRatioRange[1])}; ` +
        `the engine's own time alone ${d.chaseEngineOverheadRatio.toFixed(4)}×)`,
    )
    log(
      `  PyTorch ${r.torch.info.threads}t   ${fmtMs(d.torchMs)}/step  ${fmtIps(d.torchImagesPerSecond)}  ` +
        `ours/PyTorch ${fmtRatio(d.torchRatio)} (per repeat ${fmtRatio(d.torchRatioRange[0])}–${fmtRatio(d.torchRatioRange[1])})`,
    )
    if (r.othersCpuShare !== null && r.othersCpuShare > busyShare)
      log('  WARNING: other processes competed for the cores during these timings; the ratios are unreliable')
    if (d.torchSingleMs !== null)
      log(
        `  PyTorch 1t   ${fmtMs(d.torchSingleMs)}/step  (context: ours/PyTorch-1-thread ${fmtRatio(d.torchSingleRatio!)})`,
      )
    const torchPass = d.torchRatio >= targets.torchRatio
    const chasePass = d.chaseRatio <= targets.chaseRatio
    verdicts.push(torchPass, chasePass)
    rows.push([
      `${r.label}: ours/PyTorch images/s`,
      `${fmtRatio(d.torchRatio)} (${d.oursImagesPerSecond.toFixed(0)} vs ${d.torchImagesPerSecond.toFixed(0)})`,
      `≥ ${fmtRatio(targets.torchRatio)}`,
      pass(torchPass),
    ])
    rows.push([
      `${r.label}: Chase/dense step`,
      `${fmtRatio(d.chaseRatio)} (${fmtMs(d.chaseMs)} vs ${fmtMs(d.denseMs)}; engine ${d.chaseEngineOverheadRatio.toFixed(3)}×)`,
      `≤ ${fmtRatio(targets.chaseRatio)}`,
      pass(chasePass),
    ])
    return {
      label: r.label,
      case: r.case,
      parameters: r.parameters,
      loadBefore: r.loadBefore,
      loadAfter: r.loadAfter,
      othersCpuShare: r.othersCpuShare,
      torch: { ...r.torch.info, threads: r.torch.info.threads },
      derived: d,
      parts: { dense: denseParts, chase: chaseParts },
      samples: {
        denseMs: r.dense.map((t) => t.totalMs),
        chaseOrdinaryMs: r.chase.map((t) => t.totalMs),
        torchMs: r.torch.ms,
        torchSingleMs: r.torchSingle?.ms ?? null,
        heavy: r.heavy.map((h) => ({
          step: h.step,
          kind: h.kind,
          ms: h.timing.totalMs,
          engineMs: h.timing.engineMs,
        })),
      },
    }
  })
  const leakFree = mem.tensorsAfter === mem.tensorsBefore
  verdicts.push(leakFree)
  rows.push([
    `numTensors before/after ${mem.steps} steps`,
    `${mem.tensorsBefore} → ${mem.tensorsAfter}`,
    'equal',
    pass(leakFree),
  ])
  rows.push([
    'tensors left after disposing the run',
    `${mem.tensorsAfterDispose - mem.tensorsBeforeSetup} (${fmtMiB(mem.bytesAfterDispose - mem.bytesBeforeSetup)})`,
    '(info)',
    '',
  ])
  rows.push([
    'peak tensor bytes / peak RSS',
    `${fmtMiB(mem.peakBytesInStep)} / ${fmtMiB(mem.maxRss)}`,
    '(info)',
    '',
  ])
  const bestLoad = Math.min(loadAtStart[0]!, loadAtEnd[0]!, ...list.map((r) => r.loadBefore[0]!))
  log(
    `\nSummary (wasm ${backend.threads} thread(s), PyTorch ${list[0]?.torch.info.threads ?? '?'} thread(s); ` +
      `load average ${fmtLoad(loadAtStart)} at start, ${fmtLoad(loadAtEnd)} at end, on ${availableParallelism()} cores; ` +
      `other processes' share of the cores during the timings: ${list.map((r) => fmtShare(r.othersCpuShare)).join(', ')})`,
  )
  printTable(['measure', 'value', 'target', 'verdict'], rows)
  const ok = verdicts.every(Boolean)
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? null,
    loadAverage: { start: loadAtStart, end: loadAtEnd, lowestOneMinute: bestLoad },
    othersCpuShareAtStart: othersAtStart,
    backend,
    options: { repeats, block, warmupSteps, cadence, memoryCadence, memoryCase },
    targets,
    cases: casesJson,
    memory: {
      case: memoryCase,
      othersCpuShare: memoryOthersCpuShare,
      ...mem,
      wasmHeapNow: wasmHeapBytes(),
      maxRssAtEnd: maxRssBytes(),
    },
    pass: ok,
  }
  const outDir = join(root, 'bench-results')
  mkdirSync(outDir, { recursive: true })
  writeFileSync(join(outDir, 'trainingThroughput.json'), `${JSON.stringify(json, null, 2)}\n`)
  log(`\nwrote bench-results/trainingThroughput.json; ${ok ? 'PASS' : 'FAIL'}`)
  return ok
}

function printMemory(m: MemoryResult): void {
  log(
    `  ${m.steps} steps in ${m.secondsTotal.toFixed(1)} s (median ${fmtMs(m.msPerStepMedian)}/step), ` +
      `${m.maskUpdates} mask updates, ${m.channelEvents} channel events`,
  )
  log(`  numTensors ${m.tensorsBefore} before → ${m.tensorsAfter} after`)
  if (m.tensorsAfterDispose !== m.tensorsBeforeSetup)
    log(
      `  note: ${m.tensorsAfterDispose - m.tensorsBeforeSetup} tensors ` +
        `(${fmtMiB(m.bytesAfterDispose - m.bytesBeforeSetup)}) outlive the run's dispose: a one-time leak at setup`,
    )
  log(
    `  tensor bytes ${fmtMiB(m.bytesBefore)} → ${fmtMiB(m.bytesAfter)}; peak inside a step ${fmtMiB(m.peakBytesInStep)}, ` +
      `between steps ${fmtMiB(m.peakBytesBetweenSteps)}`,
  )
  log(
    `  RSS ${fmtMiB(m.rssBefore)} → ${fmtMiB(m.rssAfter)} (peak sampled ${fmtMiB(m.rssPeakSampled)}, process high-water ` +
      `${fmtMiB(m.maxRss)}); wasm heap ${fmtMiB(m.wasmHeapBefore)} → ${fmtMiB(m.wasmHeapAfter)}`,
  )
  if (m.tensorsAfter !== m.tensorsBefore) {
    console.error(
      `\n!!! FAIL: tensor leak: ${m.tensorsAfter - m.tensorsBefore} tensors more after ${m.steps} steps ` +
        `(${m.tensorsBefore} → ${m.tensorsAfter}) !!!\n`,
    )
  }
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')
  log(line(header))
  log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of rows) log(line(row))
}

function log(message: string): void {
  console.log(message)
}

function pass(ok: boolean): string {
  return ok ? 'PASS' : 'FAIL'
}
function fmtMs(ms: number): string {
  return Number.isNaN(ms) ? '–' : ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`
}
function fmtIps(imagesPerSecond: number): string {
  return `${imagesPerSecond.toFixed(0)} img/s`
}
function fmtRatio(x: number): string {
  return `${x.toFixed(2)}×`
}
function fmtLoad(load: readonly number[]): string {
  return load.map((l) => l.toFixed(2)).join(' ')
}
function fmtShare(share: number | null): string {
  return share === null ? '?' : `${(share * 100).toFixed(0)} %`
}
function fmtMiB(bytes: number | null): string {
  return bytes === null ? '–' : `${(bytes / 2 ** 20).toFixed(1)} MiB`
}
