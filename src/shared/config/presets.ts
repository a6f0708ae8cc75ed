import { ExperimentConfig, type ExperimentConfigInput } from './experimentConfig'
import { configForMethod, paperMethods, paperMethodTitles, type PaperMethod } from './paperMethods'

export interface Preset {
  readonly name: string
  readonly title: string
  /** What it reproduces and what to expect, shown beside the preset picker. */
  readonly description: string
  readonly config: ExperimentConfigInput
  /** For the rows of the paper's table: the base preset and the method this row trains. */
  readonly table?: { readonly base: string; readonly method: PaperMethod }
}

/**
 * The paper's two CIFAR scripts (README of luuyin/Chase) with the workbench's decisions (chase-spec.md,
 * end): one forward pass, exact counts, deterministic channel selection, honest validation selection.
 * Their schedules are given in epochs (the scripts' steps ÷ 500 steps per epoch: ΔTp 2, ΔT 16/2,
 * T_d = T_c = 130, window 30), so with 5 % of the training set held out (475 steps per epoch) every
 * phase, LR milestone, channel event and the final DST phase still land where the paper's do, relative
 * to the run; only the step counts shrink by 5 %.
 */
const paperCommon = {
  data: { dataset: 'cifar100', validationSplit: 0.05 },
  optim: {
    epochs: 160,
    batchSize: 100,
    lr: 0.1,
    lrSchedule: 'step',
    lrMilestones: [0.5, 0.75],
    lrDecay: 0.1,
  },
  sparsity: {
    density: 0.1,
    init: 'ERK',
    softBoundIncrement: 0.05,
    densitySchedule: 'cosine',
    updateInterval: { value: 2, unit: 'epochs' },
    exploration: 'soft-bound',
    softBoundEnd: { value: 130, unit: 'epochs' },
    finalPhase: 'classic-dst',
  },
  selection: { checkpointOn: 'validation', window: { value: 30, unit: 'epochs' } },
  system: { seed: 41, checkpointInterval: { value: 1, unit: 'epochs' } },
} satisfies ExperimentConfigInput

/** The official selection: no validation split (500 steps per epoch, the scripts' exact step counts), best on test. */
const paperTestSelection = {
  data: { dataset: 'cifar100', validationSplit: 0 },
  selection: { checkpointOn: 'test', window: { value: 30, unit: 'epochs' } },
} satisfies ExperimentConfigInput

const stepCounts =
  'Schedules are in epochs: with 5 % held out for validation an epoch is 475 steps instead of 500, so the ' +
  'run is 76,000 steps, ΔTp 950, T_d = T_c = 61,750, LR decays after steps 38,000 and 57,000 — every ' +
  'phase at the paper’s epoch.'

const vggChannels = {
  sparsity: 0.5,
  interval: { value: 16, unit: 'epochs' },
  floorRatio: 0.2,
  end: { value: 130, unit: 'epochs' },
  schedule: 'cubic',
  score: 'umm',
} satisfies ExperimentConfigInput['channels']

const resnet50Channels = {
  ...vggChannels,
  interval: { value: 2, unit: 'epochs' },
  floorRatio: 0.5,
} satisfies ExperimentConfigInput['channels']

const basePresets: readonly Preset[] = [
  {
    name: 'quick-fashion-mnist',
    title: 'Quick: small CNN on Fashion-MNIST',
    description:
      'cnn-small at d = 0.1 and Sc = 0.5 on 20,000 Fashion-MNIST images for 5 epochs: a few CPU minutes. ' +
      'Schedules in epochs keep the paper’s shape (8 channel events, soft bound until 81 % of the run).',
    config: {
      model: { arch: 'cnn-small' },
      data: { dataset: 'fashion-mnist', trainLimit: 20_000, validationSplit: 0.05 },
      optim: { epochs: 5, batchSize: 100, lr: 0.1, lrSchedule: 'step' },
      sparsity: {
        density: 0.1,
        updateInterval: { value: 0.25, unit: 'epochs' },
        softBoundEnd: { value: 0.8125, unit: 'fraction' },
      },
      channels: {
        sparsity: 0.5,
        interval: { value: 0.5, unit: 'epochs' },
        floorRatio: 0.2,
        end: { value: 0.8125, unit: 'fraction' },
      },
      selection: { window: { value: 0.2, unit: 'fraction' } },
      system: { seed: 41, checkpointInterval: { value: 200, unit: 'steps' } },
    },
  },
  {
    name: 'quick-cifar10',
    title: 'Quick: narrow VGG-19 on CIFAR-10',
    description:
      'VGG-19 at width ×0.25 on 10,000 CIFAR-10 images for 15 epochs (the spec’s §10.3 sanity setup), ' +
      'd = 0.1, Sc = 0.5, about 8 channel events.',
    config: {
      model: { arch: 'vgg19', widthMultiplier: 0.25 },
      data: { dataset: 'cifar10', trainLimit: 10_000, validationSplit: 0.05 },
      optim: { epochs: 15, batchSize: 100, lr: 0.1, lrSchedule: 'step' },
      sparsity: {
        density: 0.1,
        updateInterval: { value: 0.5, unit: 'epochs' },
        softBoundEnd: { value: 0.8125, unit: 'fraction' },
      },
      channels: {
        sparsity: 0.5,
        interval: { value: 1.5, unit: 'epochs' },
        floorRatio: 0.2,
        end: { value: 0.8125, unit: 'fraction' },
      },
      selection: { window: { value: 0.2, unit: 'fraction' } },
    },
  },
  {
    name: 'quick-resnet32-prune-skip-cifar10',
    title: 'Quick: ResNet-32 with prune skip on CIFAR-10',
    description:
      'Beyond the official code: ResNet-32 whose residual-stream channels are pruned too (each stage one ' +
      'group: stem or projection tied with every block’s conv2), d = 0.1, Sc = 0.5, β = 0.5, on 10,000 ' +
      'CIFAR-10 images for 15 epochs. Compare with the same run on resnet32 (block-internal only) for what ' +
      'prune skip adds to the GPU-supported FLOPs saving.',
    config: {
      model: { arch: 'resnet32-prune-skip' },
      data: { dataset: 'cifar10', trainLimit: 10_000, validationSplit: 0.05 },
      optim: { epochs: 15, batchSize: 100, lr: 0.1, lrSchedule: 'step' },
      sparsity: {
        density: 0.1,
        updateInterval: { value: 0.5, unit: 'epochs' },
        softBoundEnd: { value: 0.8125, unit: 'fraction' },
      },
      channels: {
        sparsity: 0.5,
        interval: { value: 1.5, unit: 'epochs' },
        floorRatio: 0.5,
        end: { value: 0.8125, unit: 'fraction' },
      },
      selection: { window: { value: 0.2, unit: 'fraction' } },
    },
  },
  {
    name: 'paper-vgg19-cifar100',
    title: 'Paper: VGG-19 on CIFAR-100 (d = 0.1, Sc = 0.5)',
    description:
      'The README script: 160 epochs, batch 100, SGD 0.1 with ×0.1 after epochs 80 and 120, ERK d = 0.1, ' +
      'soft bound Δ = 0.05 every 2 epochs until epoch 130, channel events every 16 epochs (β = 0.2). ' +
      'Best checkpoint on a 5 % validation split (the paper used the test set). ' +
      stepCounts,
    config: { ...paperCommon, model: { arch: 'vgg19' }, channels: vggChannels },
  },
  {
    name: 'paper-vgg19-cifar100-test-selection',
    title: 'Paper: VGG-19 on CIFAR-100, selecting on the TEST set (as the official code)',
    description:
      'Exactly the README script, step for step (500 steps per epoch, 80,000 steps): no validation split, and ' +
      'the best checkpoint of the last 30 epochs is chosen by TEST accuracy, as the official code does. ' +
      'The reported accuracy is therefore optimistic; use it only to compare with the paper’s numbers.',
    config: {
      ...paperCommon,
      ...paperTestSelection,
      model: { arch: 'vgg19' },
      channels: vggChannels,
    },
  },
  {
    name: 'paper-resnet50-cifar100',
    title: 'Paper: ResNet-50 on CIFAR-100 (d = 0.1, Sc = 0.5)',
    description:
      'The README script without its broken --comparision flag: as the VGG-19 script but channel events ' +
      'every 2 epochs (65 events) and β = 0.5; only bottleneck-internal channels are pruned. ' +
      stepCounts,
    config: { ...paperCommon, model: { arch: 'resnet50' }, channels: resnet50Channels },
  },
  {
    name: 'paper-resnet50-cifar100-test-selection',
    title: 'Paper: ResNet-50 on CIFAR-100, selecting on the TEST set (as the official code)',
    description:
      'Exactly the README script, step for step (500 steps per epoch): no validation split, best checkpoint ' +
      'by TEST accuracy as the official code does (optimistic; for comparison with the paper only).',
    config: {
      ...paperCommon,
      ...paperTestSelection,
      model: { arch: 'resnet50' },
      channels: resnet50Channels,
    },
  },
]

/** The bases whose table rows get a preset each: both laptop scales and the paper's VGG-19. */
const tableBases = ['quick-fashion-mnist', 'quick-cifar10', 'paper-vgg19-cifar100'] as const

const methodDescriptions: Readonly<Record<Exclude<PaperMethod, 'chase'>, string>> = {
  dense: 'The dense network, no masks, no channel pruning.',
  'set-layer':
    'SET: each layer prunes its smallest weights and regrows as many at random; update fraction 0.3 cosine-annealed to 0 at 75 % of the run, then frozen.',
  'set-global': 'SET with one global magnitude ranking and random regrowth over all layers.',
  'rigl-layer':
    'RigL: each layer prunes its smallest weights and regrows the largest dense gradients; fraction 0.3 cosine-annealed to 0 at 75 % of the run, then frozen.',
  'rigl-global':
    'RigL with one global magnitude and one global gradient ranking (the official --growth global_gradients).',
  'rigl-itop':
    'RigL-ITOP: layer-wise RigL that keeps exploring until the last step (the fraction anneals over the whole run).',
  mest: 'MEST as the official code runs it: soft memory bound (prune to d·N, grow to dr(s)·N) until T_d, then a frozen topology; no channel pruning.',
  'chase-sc0': 'Chase without channel pruning: soft bound then classic DST (the table’s Sc = 0 row).',
  'chase-sc0.3': 'Chase with final channel sparsity Sc = 0.3.',
  'chase-sc0.4': 'Chase with final channel sparsity Sc = 0.4.',
  'chase-1.5x':
    'Chase trained 1.5× longer, every schedule (ΔTp, ΔT, T_d, T_c, window) stretched in proportion.',
}

function tablePresets(): Preset[] {
  const rows: Preset[] = []
  for (const baseName of tableBases) {
    const base = basePresets.find((p) => p.name === baseName)!
    for (const method of paperMethods) {
      if (method === 'chase') continue
      rows.push({
        name: `${baseName}--${method}`,
        title: `${base.title.split(' (')[0]} — ${paperMethodTitles[method]}`,
        description: `${methodDescriptions[method]} Otherwise as ${baseName}. A row of the paper's table: compare it with the other rows in Compare → paper table.`,
        config: configForMethod(base.config, method),
        table: { base: baseName, method },
      })
    }
  }
  return rows
}

export const presets: readonly Preset[] = [
  ...basePresets.map((p) =>
    (tableBases as readonly string[]).includes(p.name)
      ? { ...p, table: { base: p.name, method: 'chase' as const } }
      : p,
  ),
  ...tablePresets(),
]

export function presetNames(): string[] {
  return presets.map((p) => p.name)
}

export function getPreset(name: string): Preset | undefined {
  return presets.find((p) => p.name === name)
}

/** The preset's full config, defaults filled and validated, tagged with the preset's name. */
export function presetConfig(name: string): ExperimentConfig {
  const preset = getPreset(name)
  if (!preset) {
    throw new Error(`Unknown preset "${name}": choose one of ${presetNames().join(', ')}`)
  }
  return ExperimentConfig.parse({ ...preset.config, preset: preset.name })
}
