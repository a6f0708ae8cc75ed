import type { InferenceRow } from './inferenceRow'
import type { TrainingRow } from './trainingRows'

/** Issue 14's targets for a real GPU, each a ratio measured in one run. */
export const gpuTargets = {
  /** VGG-19 training images/s on webgpu over PyTorch's on the same GPU (fp32, PyTorch's defaults). */
  vggTrainingVsTorch: 0.5,
  /** ResNet-32: no worse than 2× slower than PyTorch. */
  resnetTrainingVsTorch: 0.5,
  /** Measured slimmed/dense inference speedup over the GPU-supported FLOPs ratio, at batch 128. */
  inferenceSpeedupVsFlops: 0.8,
} as const

export type Verdict = 'PASS' | 'FAIL' | 'not judged'

export interface TargetCheck {
  readonly name: string
  /** The measured ratio, or null when a row it needs failed. */
  readonly ratio: number | null
  readonly target: number
  readonly verdict: Verdict
  /** How the ratio was formed, or why it is not judged. */
  readonly detail: string
}

/** Where the figures came from: only a hardware adapter and PyTorch on CUDA make the targets meaningful. */
export interface Judging {
  readonly softwareAdapter: boolean
  readonly torchOnGpu: boolean
}

export function trainingTarget(model: string): number | null {
  if (model.startsWith('vgg')) return gpuTargets.vggTrainingVsTorch
  if (model.startsWith('resnet')) return gpuTargets.resnetTrainingVsTorch
  return null
}

export function checkTraining(
  model: string,
  rows: readonly TrainingRow[],
  judging: Judging,
): TargetCheck | null {
  const target = trainingTarget(model)
  if (target === null) return null
  const name = `${model} training: webgpu / PyTorch images/s`
  const ours = rows.find((r) => r.model === model && r.path === 'webgpu')
  const torch = rows.find((r) => r.model === model && r.path === 'torch')
  if (!ours || !torch)
    return {
      name,
      ratio: null,
      target,
      verdict: 'not judged',
      detail: `no ${ours ? 'PyTorch' : 'webgpu'} row`,
    }
  const ratio = ours.imagesPerSecond / torch.imagesPerSecond
  const detail = `${fmt(ours.imagesPerSecond)} / ${fmt(torch.imagesPerSecond)} img/s`
  const why = judging.softwareAdapter
    ? 'software adapter'
    : !judging.torchOnGpu
      ? 'PyTorch ran on the CPU'
      : null
  return judged(name, ratio, target, why === null ? detail : `${detail}; ${why}`, why === null)
}

export function checkInference(row: InferenceRow | undefined, model: string, judging: Judging): TargetCheck {
  const target = gpuTargets.inferenceSpeedupVsFlops
  const name = `${model} inference: slimmed speedup / FLOPs speedup`
  if (!row) return { name, ratio: null, target, verdict: 'not judged', detail: 'no inference row' }
  const ratio = row.measuredSpeedup / row.flopsSpeedup
  const detail =
    `${fmt(row.measuredSpeedup)}× measured (dense ${fmt(row.denseMs)} ms, slimmed ${fmt(row.slimmedMs)} ms)` +
    ` / ${fmt(row.flopsSpeedup)}× FLOPs at batch ${row.batch}, Sc ${row.channelSparsity}`
  const why = judging.softwareAdapter ? 'software adapter' : row.batch !== 128 ? 'batch is not 128' : null
  return judged(name, ratio, target, why === null ? detail : `${detail}; ${why}`, why === null)
}

function judged(name: string, ratio: number, target: number, detail: string, judge: boolean): TargetCheck {
  const verdict: Verdict = !judge ? 'not judged' : ratio >= target ? 'PASS' : 'FAIL'
  return { name, ratio, target, verdict, detail }
}

/** Three significant figures, enough for a ratio or a throughput. */
export function fmt(value: number): string {
  return Number.isFinite(value) ? Number(value.toPrecision(3)).toString() : String(value)
}
