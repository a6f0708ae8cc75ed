import { z } from 'zod'
import { Duration } from './duration'
import { DatasetName } from '../data/datasets'
import { BackendChoice } from '../backends/backendNames'

/**
 * Every knob of a Chase run (chase-spec.md §8 under clear names, plus the decisions at its end).
 * Each field carries `meta({ label, description })`: the run form and `--help` show them, so a field's
 * documentation lives in exactly one place.
 */

// The type message only for a wrong type: a schema-wide message would also replace the range messages
// below (1e9 epochs is a number; it is too many).
const notANumber = (what: string) => ({
  error: (issue: { code?: string }) =>
    issue.code === 'invalid_type' ? `${what} must be a number` : undefined,
})

const fraction = (what: string) =>
  z
    .number(notANumber(what))
    .min(0, { message: `${what} must be between 0 and 1` })
    .max(1, { message: `${what} must be between 0 and 1` })

const positiveInt = (what: string) =>
  z
    .number(notANumber(what))
    .int({ message: `${what} must be a whole number` })
    .positive({ message: `${what} must be at least 1` })

export { BackendChoice, BackendName } from '../backends/backendNames'

export const ModelConfig = z.strictObject({
  arch: z
    .string()
    .min(1, {
      message: 'model.arch is required: pick one of the models `chase-workbench model --list` shows',
    })
    .default('cnn-small')
    .meta({
      label: 'Architecture',
      description: 'Network to train (a ModelSpec name: cnn-small, vgg19, resnet50, …).',
    }),
  widthMultiplier: z
    .number()
    .positive({ message: 'model.widthMultiplier must be above 0 (1 = the paper width, 0.25 = a quarter)' })
    .max(4, { message: 'model.widthMultiplier must be at most 4' })
    .default(1)
    .meta({ label: 'Width ×', description: 'Multiplies every layer width; 0.25 gives a laptop-sized VGG.' }),
})

export const AugmentationChoice = z.enum(['auto', 'none', 'crop', 'crop-flip'])
export const PaddingChoice = z.enum(['auto', 'zero', 'reflect'])

export const DataConfig = z.strictObject({
  dataset: DatasetName.default('fashion-mnist').meta({
    label: 'Dataset',
    description: 'cifar10, cifar100, mnist, fashion-mnist, or synthetic (generated, for demos and tests).',
  }),
  path: z.string().optional().meta({
    label: 'Data folder',
    description:
      'Folder holding the dataset files; empty searches the usual places (see `chase-workbench doctor`).',
  }),
  validationSplit: z
    .number()
    .min(0, { message: 'data.validationSplit must be between 0 and 0.5' })
    .max(0.5, { message: 'data.validationSplit must be between 0 and 0.5' })
    .default(0.05)
    .meta({
      label: 'Validation split',
      description: 'Share of the training set held out (seeded) to choose the best checkpoint.',
    }),
  trainLimit: positiveInt('data.trainLimit')
    .optional()
    .meta({ label: 'Train images', description: 'Use only the first N training images (empty = all).' }),
  testLimit: positiveInt('data.testLimit')
    .optional()
    .meta({ label: 'Test images', description: 'Use only the first N test images (empty = all).' }),
  augmentation: AugmentationChoice.default('auto').meta({
    label: 'Augmentation',
    description: 'auto = pad-and-crop + flip for CIFAR, none for (Fashion-)MNIST.',
  }),
  padding: PaddingChoice.default('auto').meta({
    label: 'Crop padding mode',
    description: 'auto = reflect for CIFAR-10 and zero for CIFAR-100, as the official loaders do.',
  }),
  cropPadding: z
    .number()
    .int()
    .min(0)
    .max(16)
    .default(4)
    .meta({ label: 'Crop padding (px)', description: 'Pixels padded on each side before the random crop.' }),
})

export const LrSchedule = z.enum(['step', 'cosine', 'constant'])

export const OptimConfig = z.strictObject({
  epochs: positiveInt('optim.epochs')
    .max(10_000, { message: 'optim.epochs must be at most 10000' })
    .default(10)
    .meta({ label: 'Epochs', description: 'Passes over the training set (the paper: 160).' }),
  batchSize: positiveInt('optim.batchSize')
    .max(8192, { message: 'optim.batchSize must be at most 8192' })
    .default(100)
    .meta({ label: 'Batch size', description: 'Training minibatch (the paper: 100).' }),
  evalBatchSize: positiveInt('optim.evalBatchSize')
    .max(8192, { message: 'optim.evalBatchSize must be at most 8192' })
    .default(128)
    .meta({ label: 'Eval batch size', description: 'Minibatch for validation and test passes.' }),
  lr: z
    .number()
    .positive({ message: 'optim.lr must be above 0 (the paper uses 0.1)' })
    .max(10)
    .default(0.1)
    .meta({ label: 'Learning rate', description: 'Initial SGD learning rate.' }),
  lrSchedule: LrSchedule.default('step').meta({
    label: 'LR schedule',
    description: 'step = ×decay at each milestone (the paper), cosine = cosine to 0, constant.',
  }),
  lrMilestones: z
    .array(fraction('each optim.lrMilestones entry'))
    .default([0.5, 0.75])
    .meta({ label: 'LR milestones', description: 'Fractions of the run where the step schedule decays.' }),
  lrDecay: z
    .number()
    .positive()
    .max(1)
    .default(0.1)
    .meta({ label: 'LR decay', description: 'Factor applied at each milestone (0.1: 0.1 → 0.01 → 0.001).' }),
  momentum: z
    .number()
    .min(0)
    .max(0.999, { message: 'optim.momentum must be below 1' })
    .default(0.9)
    .meta({ label: 'Momentum', description: 'SGD momentum (no dampening, no Nesterov).' }),
  weightDecay: z.number().min(0).max(0.1).default(5e-4).meta({
    label: 'Weight decay',
    description: 'L2 added to every gradient, BN and biases included (as the paper).',
  }),
})

export const SparseInit = z.enum(['ERK', 'ER', 'uniform'])
export const ExplorationMode = z.enum(['soft-bound', 'classic', 'static'])
export const FinalPhase = z.enum(['classic-dst', 'frozen'])
export const DensitySchedule = z.enum(['cosine', 'linear'])
export const UpdateScope = z.enum(['global', 'layer'])
export const Regrowth = z.enum(['gradient', 'random'])
export const DstRateHorizon = z.enum(['run', 'phase'])

export const SparsityConfig = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .meta({ label: 'Sparse training', description: 'Off trains the dense network (the baseline).' }),
  density: z
    .number()
    .gt(0, { message: 'sparsity.density must be above 0 (0.1 keeps 10 % of the weights)' })
    .max(1, { message: 'sparsity.density must be at most 1' })
    .default(0.1)
    .meta({ label: 'Density d', description: 'Share of the maskable weights kept: the budget is d·N.' }),
  init: SparseInit.default('ERK').meta({
    label: 'Sparse init',
    description: 'Per-layer starting densities: ERK (the paper), ER, or uniform.',
  }),
  softBoundIncrement: fraction('sparsity.softBoundIncrement').default(0.05).meta({
    label: 'Soft-bound Δ',
    description: 'Overshoot above d, in units of N: after each grow the net holds dr(s)·N, dr going d+Δ → d.',
  }),
  densitySchedule: DensitySchedule.default('cosine').meta({
    label: 'dr(s) shape',
    description: 'Decay of the soft-bound density from d+Δ to d (cosine, as the paper).',
  }),
  // Defaults are the paper's proportions (ΔTp = 1000 of 80000 steps), so any run length gets its shape.
  updateInterval: Duration.default({ value: 0.0125, unit: 'fraction' }).meta({
    label: 'Update interval ΔTp',
    description:
      'Steps, epochs or share of the run between prune-and-grow updates (the paper: 1000 steps of 80000).',
  }),
  exploration: ExplorationMode.default('soft-bound').meta({
    label: 'Exploration',
    description:
      'soft-bound = prune to d·N then grow to dr(s)·N (Chase/MEST); classic = RigL-style; static = fixed mask.',
  }),
  softBoundEnd: Duration.default({ value: 0.8125, unit: 'fraction' }).meta({
    label: 'Soft-bound end T_d',
    description: 'End of the soft-bound phase (the paper: epoch 130 of 160).',
  }),
  finalPhase: FinalPhase.default('classic-dst').meta({
    label: 'After T_d',
    description: 'classic-dst keeps exploring at the budget; frozen fixes the topology.',
  }),
  dstRateStart: fraction('sparsity.dstRateStart').default(0.5).meta({
    label: 'DST rate start',
    description: 'Classic-DST prune rate at step 0 (cosine over the whole run).',
  }),
  dstRateEnd: fraction('sparsity.dstRateEnd')
    .default(0.005)
    .meta({ label: 'DST rate end', description: 'Classic-DST prune rate at the end of its horizon.' }),
  dstRateHorizon: DstRateHorizon.default('run').meta({
    label: 'DST rate horizon',
    description:
      'run = the rate anneals over the whole run (Chase, RigL-ITOP); phase = it reaches the end rate at T_d (RigL’s T_end).',
  }),
  updateScope: UpdateScope.default('global').meta({
    label: 'Prune/grow scope',
    description:
      'global = one magnitude and one gradient ranking over all layers (Chase); layer = each layer swaps its own share (SET, RigL). Layer needs classic exploration.',
  }),
  regrowth: Regrowth.default('gradient').meta({
    label: 'Regrowth',
    description: 'gradient = largest |∂L/∂w| (RigL, Chase); random = uniformly among the zeros (SET).',
  }),
})

export const ChannelSchedule = z.enum(['cubic', 'cosine'])
export const ChannelScore = z.enum(['umm', 'mm', 'kernel', 'connection', 'random'])

export const ChannelConfig = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .meta({ label: 'Channel pruning', description: 'Remove whole channels during training (Chase).' }),
  sparsity: z
    .number()
    .min(0, { message: 'channels.sparsity must be between 0 and 0.99' })
    .max(0.99, { message: 'channels.sparsity must be between 0 and 0.99' })
    .default(0.5)
    .meta({ label: 'Channel sparsity Sc', description: 'Final share of the prunable channels removed.' }),
  interval: Duration.default({ value: 0.1, unit: 'fraction' }).meta({
    label: 'Event interval ΔT',
    description:
      'Steps, epochs or share of the run between channel events (the paper: 8000 of 80000); each falls ΔTp/2 before a multiple.',
  }),
  floorRatio: z
    .number()
    .gt(0, { message: 'channels.floorRatio must be above 0' })
    .max(1, { message: 'channels.floorRatio must be at most 1, or the floors exceed the channels left' })
    .default(0.2)
    .meta({ label: 'Floor ratio β', description: 'Each layer keeps at least ⌊C·(1−Sc)·β⌋ channels.' }),
  end: Duration.default({ value: 0.8125, unit: 'fraction' }).meta({
    label: 'Pruning end T_c',
    description: 'No channel event at or after this point (the paper: epoch 130 of 160).',
  }),
  schedule: ChannelSchedule.default('cubic').meta({
    label: 'Sc(s) shape',
    description: 'cubic = GMP ramp Sc·(1−(1−s/T_c)³) (the paper); cosine ramp otherwise.',
  }),
  score: ChannelScore.default('umm').meta({
    label: 'Channel score',
    description:
      'umm = unmasked mean magnitude (the paper); mm, kernel or connection density; random (a control for experiments).',
  }),
})

export const CheckpointSelection = z.enum(['validation', 'test'])

export const SelectionConfig = z.strictObject({
  checkpointOn: CheckpointSelection.default('validation').meta({
    label: 'Select best on',
    description: 'validation (honest) or test (reproduces the paper, optimistic).',
  }),
  window: Duration.default({ value: 0.1875, unit: 'fraction' }).meta({
    label: 'Selection window',
    description:
      'The best checkpoint is chosen among the epochs in this final stretch (the paper: last 30 of 160).',
  }),
  recalibrateBatchNorm: z.boolean().default(true).meta({
    label: 'BN recalibration',
    description: 'Recompute BN statistics after slimming (one training pass).',
  }),
})

export const SystemConfig = z.strictObject({
  seed: z
    .number()
    .int({ message: 'system.seed must be a whole number' })
    .min(0)
    .max(2 ** 31 - 1)
    .default(41)
    .meta({ label: 'Seed', description: 'Fixes data order, initialisation and mask sampling.' }),
  backend: BackendChoice.default('auto').meta({
    label: 'Backend',
    description:
      'auto picks the fastest available: tensorflow-gpu → webgpu (hardware adapters) → tensorflow → wasm → cpu. ' +
      'In the desktop app auto skips webgpu: name it to train on the GPU through the system Node.js.',
  }),
  threads: z
    .number()
    .int()
    .min(1)
    .max(256)
    .optional()
    .meta({ label: 'Threads', description: 'Worker threads for the wasm backend (empty = all cores).' }),
  logInterval: positiveInt('system.logInterval')
    .default(20)
    .meta({ label: 'Log every (steps)', description: 'Training loss/accuracy points every N steps.' }),
  snapshotInterval: Duration.default({ value: 0.01, unit: 'fraction' }).meta({
    label: 'Snapshot interval',
    description: 'Per-channel density/UMM snapshots for the heatmaps (1 % of the run gives 100 columns).',
  }),
  checkpointInterval: Duration.default({ value: 1000, unit: 'steps' }).meta({
    label: 'Checkpoint interval',
    description: 'Atomic checkpoints every N steps (also at every epoch end) for exact resume.',
  }),
})

export const ExperimentConfig = z
  .object({
    name: z
      .string()
      .max(200)
      .default('')
      .meta({ label: 'Run name', description: 'Empty uses the preset or model.' }),
    preset: z
      .string()
      .optional()
      .meta({ label: 'Preset', description: 'The preset this config started from.' }),
    model: ModelConfig.default(ModelConfig.parse({})),
    data: DataConfig.default(DataConfig.parse({})),
    optim: OptimConfig.default(OptimConfig.parse({})),
    sparsity: SparsityConfig.default(SparsityConfig.parse({})),
    channels: ChannelConfig.default(ChannelConfig.parse({})),
    selection: SelectionConfig.default(SelectionConfig.parse({})),
    system: SystemConfig.default(SystemConfig.parse({})),
  })
  .strict()
  .superRefine((config, ctx) => {
    const { density, softBoundIncrement } = config.sparsity
    // Only when d itself is valid: an out-of-range d has its own message, and "lower Δ to −0.5" would mislead.
    if (config.sparsity.enabled && density > 0 && density <= 1 && density + softBoundIncrement > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['sparsity', 'softBoundIncrement'],
        message: `density + softBoundIncrement is ${+(density + softBoundIncrement).toFixed(4)}, above 1: lower Δ to at most ${+(1 - density).toFixed(4)}`,
      })
    }
    if (config.optim.lrMilestones.some((m, i, all) => i > 0 && m <= all[i - 1]!)) {
      ctx.addIssue({
        code: 'custom',
        path: ['optim', 'lrMilestones'],
        message: 'optim.lrMilestones must increase, e.g. [0.5, 0.75]',
      })
    }
    if (config.sparsity.updateScope === 'layer' && config.sparsity.exploration === 'soft-bound') {
      ctx.addIssue({
        code: 'custom',
        path: ['sparsity', 'updateScope'],
        message:
          'sparsity.updateScope "layer" needs sparsity.exploration "classic" (the soft bound is a global budget): set exploration to classic or the scope to global',
      })
    }
    if (config.sparsity.dstRateEnd > config.sparsity.dstRateStart) {
      ctx.addIssue({
        code: 'custom',
        path: ['sparsity', 'dstRateEnd'],
        message: 'sparsity.dstRateEnd must not exceed sparsity.dstRateStart',
      })
    }
  })

/** A fully defaulted, validated config: what the host stores and the trainer runs. */
export type ExperimentConfig = z.infer<typeof ExperimentConfig>
/** What a user may write: every field optional, defaults fill the rest. */
export type ExperimentConfigInput = z.input<typeof ExperimentConfig>
