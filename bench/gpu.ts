/**
 * The webgpu backend against PyTorch on the same machine, and slimming's payoff on the GPU, in one run:
 *
 *   npm run bench -- gpu [-- options]      (options: bench/gpu/gpuBenchOptions.ts, or --help)
 *
 * 1. Training images/s of the trainer's real dense step at 32×32×3, batch 128, for VGG-19 (full width)
 *    and ResNet-32: on webgpu, on our wasm path, and in PyTorch (CUDA where present, else its CPU; fp32,
 *    PyTorch's defaults). Targets (real GPU): VGG-19 webgpu ≥ 0.5× PyTorch; ResNet-32 no worse than 2×
 *    slower (≥ 0.5×).
 * 2. Dense against channel-slimmed inference on webgpu (the workbench's inference bench), beside the
 *    GPU-supported FLOPs ratio. Target: measured speedup ≥ 0.8× the FLOPs speedup at batch 128.
 *
 * A row that fails (no adapter, a missing kernel) is reported with its error and the others go on. On a
 * software adapter (SwiftShader) every figure proves the path runs, not its speed, and no target is
 * judged. Prints a table, the targets as ratios, one `GPU_BENCH_SUMMARY {json}` line, and writes
 * <out>/gpu-bench.json. Exit 1 when a row failed or a judged target failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, hostname } from 'node:os'
import { join } from 'node:path'
import type { BackendReport } from '../src/shared/protocol/trainerMessages'
import { initBackend } from '../src/trainer/backend/pickBackend'
import { parseGpuBenchOptions, type GpuBenchOptions } from './gpu/gpuBenchOptions'
import { checkInference, checkTraining, fmt, type Judging, type TargetCheck } from './gpu/gpuTargets'
import { timeGpuInference, type InferenceRow } from './gpu/inferenceRow'
import {
  describeBackend,
  gpuBenchCase,
  timeOurTraining,
  timeTorchTraining,
  type FailedRow,
  type TrainingRow,
} from './gpu/trainingRows'

const softwareNote = 'software adapter: figures prove it runs, not speed'

let options: GpuBenchOptions
try {
  options = parseGpuBenchOptions(process.argv.slice(2))
} catch (error) {
  console.error(message(error))
  process.exit(2)
}

const started = new Date()
log(
  `gpu bench on ${hostname()}: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`,
)
log(
  `models ${options.models.join(', ')}; batch ${options.batch}, ${options.warmupSteps} warm-up + ` +
    `${options.steps} timed steps; inference batch ${options.inferenceBatch}, ${options.inferenceReps} reps` +
    (options.quick ? ' (quick: proves it runs, too few steps for speed)' : ''),
)

const failed: FailedRow[] = []
const training: TrainingRow[] = []
const inference: InferenceRow[] = []

// Start webgpu once up front: its adapter decides whether any target can be judged, and a machine
// without one fails every webgpu row with the same reason instead of retrying.
let webgpu: BackendReport | null = null
let webgpuError: string | null = null
if (options.rows.webgpu || options.inference) {
  try {
    webgpu = await initBackend('webgpu')
    log(`webgpu: ${describeBackend(webgpu)}`)
    for (const note of webgpu.skipped) log(`  note: ${note}`)
  } catch (error) {
    webgpuError = message(error)
    log(`webgpu: unavailable: ${webgpuError}`)
  }
}
const softwareAdapter = webgpu?.adapter?.software ?? false
if (softwareAdapter) log(`NOTE ${softwareNote}`)

for (const model of options.models) {
  const c = gpuBenchCase(model, options.batch)
  const counts = { warmupSteps: options.warmupSteps, steps: options.steps }
  if (options.rows.webgpu)
    await attempt(model, 'webgpu training', () =>
      webgpuError !== null
        ? Promise.reject(new Error(webgpuError))
        : timeOurTraining(c, 'webgpu', counts, undefined).then((r) => training.push(r)),
    )
  if (options.rows.wasm)
    await attempt(model, 'wasm training', () =>
      timeOurTraining(c, 'wasm', counts, options.threads).then((r) => training.push(r)),
    )
  if (options.rows.torch)
    await attempt(model, 'torch training', () =>
      timeTorchTraining(c, counts, {
        threads: options.threads ?? availableParallelism(),
        device: options.torchDevice,
        ...(options.python ? { python: options.python } : {}),
        ...(options.torchScript ? { script: options.torchScript } : {}),
      }).then((r) => training.push(r)),
    )
}
if (options.inference) {
  for (const model of options.models) {
    await attempt(model, 'webgpu inference', () =>
      webgpuError !== null
        ? Promise.reject(new Error(webgpuError))
        : timeGpuInference({
            model,
            batch: options.inferenceBatch,
            warmup: options.inferenceWarmup,
            reps: options.inferenceReps,
            channelSparsity: options.channelSparsity,
          }).then((r) => inference.push(r)),
    )
  }
}

const judging: Judging = {
  softwareAdapter,
  torchOnGpu: training.some((r) => r.path === 'torch' && r.onGpu),
}
const targets: TargetCheck[] = []
for (const model of options.models) {
  const check = checkTraining(model, training, judging)
  if (check) targets.push(check)
}
if (options.inference)
  for (const model of options.models)
    targets.push(
      checkInference(
        inference.find((r) => r.model === model),
        model,
        judging,
      ),
    )

printReport()
const summary = {
  startedAt: started.toISOString(),
  seconds: (Date.now() - started.getTime()) / 1000,
  machine: { host: hostname(), cpu: cpus()[0]?.model ?? '?', cores: availableParallelism() },
  webgpu: webgpu ? { adapter: webgpu.adapter ?? null, version: webgpu.version } : { error: webgpuError },
  softwareAdapter,
  note: softwareAdapter ? softwareNote : null,
  options,
  training,
  inference,
  failed,
  targets,
}
mkdirSync(options.outDir, { recursive: true })
const outFile = join(options.outDir, 'gpu-bench.json')
writeFileSync(outFile, `${JSON.stringify(summary, null, 2)}\n`)
log(`\nGPU_BENCH_SUMMARY ${JSON.stringify(summary)}`)
log(`wrote ${outFile}`)
const anyFail = failed.length > 0 || targets.some((t) => t.verdict === 'FAIL')
// tfjs-wasm's workers and Dawn's device keep the event loop alive; leave explicitly.
process.exit(anyFail ? 1 : 0)

/** Runs one row; a failure is recorded with its error and the bench goes on. */
async function attempt(model: string, path: string, run: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now()
  log(`\n${model} ${path} ...`)
  try {
    await run()
    log(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  } catch (error) {
    failed.push({ model, path, error: message(error) })
    log(`  FAILED: ${message(error)}`)
  }
}

function printReport(): void {
  log('\n=== training (dense step, images/s from the median step)')
  for (const r of training)
    log(
      `  ${r.model.padEnd(10)} ${r.path.padEnd(7)} ${fmt(r.imagesPerSecond).padStart(8)} img/s  ` +
        `(${fmt((r.batch / r.imagesPerSecond) * 1000)} ms/step, b${r.batch}` +
        `${r.programsPerStep === undefined ? '' : `, ${r.programsPerStep} GPU programs/step`})  ${r.ranOn}`,
    )
  log('  context (no target): webgpu / wasm images/s')
  for (const model of options.models) {
    const gpu = training.find((r) => r.model === model && r.path === 'webgpu')
    const wasm = training.find((r) => r.model === model && r.path === 'wasm')
    if (gpu && wasm) log(`    ${model}: ${fmt(gpu.imagesPerSecond / wasm.imagesPerSecond)}×`)
  }
  if (inference.length > 0) {
    log('\n=== inference on webgpu (median latency, reads included)')
    for (const r of inference)
      log(
        `  ${r.model.padEnd(10)} dense ${fmt(r.denseMs)} ms, slimmed ${fmt(r.slimmedMs)} ms (Sc ${r.channelSparsity}, ` +
          `b${r.batch}): ${fmt(r.measuredSpeedup)}× measured, ${fmt(r.flopsSpeedup)}× by GPU-supported FLOPs`,
      )
  }
  if (failed.length > 0) {
    log('\n=== failed rows')
    for (const f of failed) log(`  ${f.model} ${f.path}: ${f.error}`)
  }
  log('\n=== targets (ratios measured in this run; judged on a hardware adapter with PyTorch on CUDA)')
  if (softwareAdapter) log(`  ${softwareNote}`)
  for (const t of targets)
    log(
      `  ${t.verdict.padEnd(10)} ${t.name}: ${t.ratio === null ? '—' : `${fmt(t.ratio)}×`} ` +
        `(target ≥ ${t.target}×) — ${t.detail}`,
    )
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function log(line: string): void {
  console.log(line)
}
