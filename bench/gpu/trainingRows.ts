import { initBackend } from '../../src/trainer/backend/pickBackend'
import type { BackendReport } from '../../src/shared/protocol/trainerMessages'
import { median } from '../training/stats'
import { countPrograms } from './programCount'
import { TorchReference, type TorchOptions } from '../training/torchReference'
import {
  benchConfig,
  specOf,
  TrainerSubject,
  type BenchCase,
  type ChaseCadence,
} from '../training/trainerSubject'

/** One measured training path: our real step on a backend, or PyTorch. */
export interface TrainingRow {
  readonly model: string
  readonly path: 'webgpu' | 'wasm' | 'torch'
  /** What ran it: the adapter, wasm's threads, or PyTorch's version and device. */
  readonly ranOn: string
  /** Ran on a hardware GPU (not a software adapter, not a CPU). */
  readonly onGpu: boolean
  readonly batch: number
  readonly msPerStep: readonly number[]
  readonly imagesPerSecond: number
  /** GPU programs one step dispatches (webgpu rows). */
  readonly programsPerStep?: number
}

/** A row that could not be measured, with the reason, so the others still run. */
export interface FailedRow {
  readonly model: string
  readonly path: string
  readonly error: string
}

export interface StepCounts {
  readonly warmupSteps: number
  readonly steps: number
}

/** A dense run long enough that no schedule ends inside the timed steps. */
const denseCadence: ChaseCadence = { updateEvery: 100, channelEvery: 400, stepsPerEpoch: 100, epochs: 100 }

export function gpuBenchCase(model: string, batch: number): BenchCase {
  return { arch: model, input: [32, 32, 3], classes: 10, widthMultiplier: 1, batch }
}

export function describeBackend(report: BackendReport): string {
  if (report.adapter) {
    const { vendor, architecture, device, description } = report.adapter
    const name = [vendor, architecture, device, description].filter((s) => s !== '').join(' / ')
    return `${name}${report.adapter.software ? ' (software adapter)' : ''}`
  }
  return `${report.name} ${report.version}, ${report.threads} thread(s), simd ${report.simd}`
}

/**
 * Images/s of the trainer's real dense step (`TrainStep` + `Sgd` + `SparseEngine.onStep`, the step's
 * loss and hit count read back, which waits for the GPU) on one backend.
 */
export async function timeOurTraining(
  c: BenchCase,
  backend: 'webgpu' | 'wasm',
  counts: StepCounts,
  threads: number | undefined,
): Promise<TrainingRow> {
  const report = await initBackend(backend, threads === undefined ? {} : { threads })
  const subject = TrainerSubject.create(c, benchConfig(c, 'dense', denseCadence, backend), denseCadence)
  try {
    let step = 0
    for (let i = 0; i < counts.warmupSteps; i++) await subject.step(++step)
    const msPerStep: number[] = []
    for (let i = 0; i < counts.steps; i++) msPerStep.push((await subject.step(++step)).totalMs)
    const onGpu = report.adapter !== undefined && !report.adapter.software
    const measured = row(c, backend, describeBackend(report), onGpu, msPerStep)
    if (backend !== 'webgpu') return measured
    return { ...measured, programsPerStep: await countPrograms(() => subject.step(++step)) }
  } finally {
    subject.dispose()
  }
}

/** The same network, batch, SGD and loss in PyTorch (bench/torch_reference.py). */
export async function timeTorchTraining(
  c: BenchCase,
  counts: StepCounts,
  torch: Omit<TorchOptions, 'batch' | 'warmup'>,
): Promise<TrainingRow> {
  const reference = await TorchReference.start(specOf(c), {
    ...torch,
    batch: c.batch,
    warmup: counts.warmupSteps,
  })
  try {
    const msPerStep = await reference.time(counts.steps)
    const { info } = reference
    const where = info.device === 'cpu' ? `cpu, ${info.threads} thread(s)` : info.device
    return row(c, 'torch', `PyTorch ${info.torch} on ${where}`, info.device !== 'cpu', msPerStep)
  } finally {
    await reference.close()
  }
}

function row(
  c: BenchCase,
  path: TrainingRow['path'],
  ranOn: string,
  onGpu: boolean,
  msPerStep: number[],
): TrainingRow {
  return {
    model: c.arch,
    path,
    ranOn,
    onGpu,
    batch: c.batch,
    msPerStep,
    imagesPerSecond: c.batch / (median(msPerStep) / 1000),
  }
}
