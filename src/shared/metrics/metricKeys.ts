/**
 * Every metric series a trainer reports, named once: the trainer emits these keys (its emitter takes
 * nothing else), and the dashboard, the CLI's progress line and exports read them from here.
 */
export const metricKeys = {
  trainLoss: 'train/loss',
  trainAccuracy: 'train/accuracy',
  learningRate: 'train/lr',
  validationLoss: 'validation/loss',
  validationAccuracy: 'validation/accuracy',
  testLoss: 'test/loss',
  testAccuracy: 'test/accuracy',
  /** Epochs completed, at each epoch's last step. */
  epoch: 'epoch',
  /** nnz / N against the original N, after each update or channel event. */
  density: 'sparsity/density',
  /** dr(s) (or d) that update aimed at. */
  densityTarget: 'sparsity/densityTarget',
  /** nnz / |alive region|, the density the official code prints. */
  aliveRegionDensity: 'sparsity/aliveRegionDensity',
  /** 1 − F/B, measured. */
  channelSparsity: 'channels/sparsity',
  /** Sc(s) at that step. */
  channelSparsityTarget: 'channels/sparsityTarget',
  /** Training FLOPs so far against dense training's. */
  trainingFlopsRatio: 'flops/trainingRatio',
} as const

export type MetricKey = (typeof metricKeys)[keyof typeof metricKeys]

export type MetricChart = 'loss' | 'accuracy' | 'lr' | 'density' | 'channels' | 'other'
export type MetricSplit = 'train' | 'validation' | 'test' | null

/** Where each catalogued series is plotted. */
export const metricPlacement: Readonly<Record<MetricKey, { chart: MetricChart; split: MetricSplit }>> = {
  'train/loss': { chart: 'loss', split: 'train' },
  'train/accuracy': { chart: 'accuracy', split: 'train' },
  'train/lr': { chart: 'lr', split: 'train' },
  'validation/loss': { chart: 'loss', split: 'validation' },
  'validation/accuracy': { chart: 'accuracy', split: 'validation' },
  'test/loss': { chart: 'loss', split: 'test' },
  'test/accuracy': { chart: 'accuracy', split: 'test' },
  epoch: { chart: 'other', split: null },
  'sparsity/density': { chart: 'density', split: null },
  'sparsity/densityTarget': { chart: 'density', split: null },
  'sparsity/aliveRegionDensity': { chart: 'density', split: null },
  'channels/sparsity': { chart: 'channels', split: null },
  'channels/sparsityTarget': { chart: 'channels', split: null },
  'flops/trainingRatio': { chart: 'other', split: null },
}

const catalogued: ReadonlySet<string> = new Set(Object.values(metricKeys))

export function isMetricKey(key: string): key is MetricKey {
  return catalogued.has(key)
}
